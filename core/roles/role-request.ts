import type { RoleName } from '../store.js';

export type RoleRequestStatus = 'pending' | 'approved' | 'declined' | 'withdrawn';

/** A person's request for the next right (commenter, then writer), with their reason. */
export interface RoleRequest {
  id: string;
  personId: string;
  role: RoleName;
  reason: string;
  status: RoleRequestStatus;
  decidedById: string | null;
  decisionReason: string | null;
  createdAt: Date;
  decidedAt: Date | null;
}

/** Role requests; implemented in `prisma/`. */
export interface RoleRequestRepository {
  create(request: Pick<RoleRequest, 'id' | 'personId' | 'role' | 'reason'> & { createdAt: Date }): Promise<void>;
  findById(id: string): Promise<RoleRequest | null>;
  /** The person's open request, if any. */
  pendingFor(personId: string): Promise<RoleRequest | null>;
  /** Open requests of people in a region, oldest first. */
  pending(regionId: string, limit: number): Promise<RoleRequest[]>;
  /**
   * Decides a request only while it is still pending (one conditional update):
   * of two moderators deciding at once exactly one gets true.
   */
  decide(id: string, status: 'approved' | 'declined', byId: string, reason: string, at: Date): Promise<boolean>;
  /** Withdraws the person's open requests (e.g. on a ban); returns how many. */
  withdrawPending(personId: string, at: Date): Promise<number>;
}
