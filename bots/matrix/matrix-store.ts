/** A room the bot shares with one person. */
export interface MatrixRoom {
  roomId: string;
  /** The Matrix user this room is a direct chat with (the one who invited the bot). */
  userId: string;
  encrypted: boolean;
  leftAt: Date | null;
}

/**
 * What the Matrix adapter keeps in the database (implemented in prisma/): its
 * rooms, the messages it sent (to edit them later) and the client's sync state.
 * Shared by every instance.
 */
export interface MatrixStore {
  /**
   * Records that the bot joined a room with this user, and that the user can be reached again.
   * Returns true only for the first instance to record this room: that one greets.
   */
  joined(roomId: string, userId: string, encrypted: boolean): Promise<boolean>;
  /** The person left (or the bot was removed): nothing more is sent there. */
  left(roomId: string, at: Date): Promise<void>;
  /** Returns true when the room was not known to be encrypted before. */
  markEncrypted(roomId: string): Promise<boolean>;
  findRoom(roomId: string): Promise<MatrixRoom | null>;
  /** The newest room with this user that the bot can write in and read (joined, unencrypted). */
  directRoomOf(userId: string): Promise<string | null>;

  /** A message sent to a person, under the id the core knows it by. */
  recordSent(sent: { id: string; address: string; roomId: string; eventId: string; subject?: string }): Promise<void>;
  findSent(id: string): Promise<{ address: string; roomId: string; eventId: string } | null>;

  readValue(key: string): Promise<string | null>;
  storeValue(key: string, value: string): Promise<void>;
}
