/**
 * Storage of information for refugees: what a person asked to hear about, how
 * an item's translations belong together, and private questions. Implemented
 * in `prisma/`; plain data, no rules.
 */

/** What a person looking for information follows; nothing that names them. */
export interface InfoProfile {
  personId: string;
  secondLocale: string | null;
  topics: string[];
  createdAt: Date;
  updatedAt: Date;
}

/** One published language version of an information item, as a reader sees it. */
export interface InfoVersion {
  submissionId: string;
  /** The id of the group's first submission; every translation shares it. */
  groupId: string;
  regionId: string;
  topic: string | null;
  language: string;
  title: string;
  body: string;
  urgent: boolean;
  publishedAt: Date;
}

export interface InfoQuestion {
  id: string;
  regionId: string;
  personId: string;
  submissionId: string | null;
  text: string;
  answer: string | null;
  answeredById: string | null;
  createdAt: Date;
  answeredAt: Date | null;
  /** Publication as a Q&A item: proposed by an answerer, accepted or declined by the asker. */
  publication?: 'proposed' | 'accepted' | 'declined' | null;
  proposedById?: string | null;
  qaTopic?: string | null;
  qaSubmissionId?: string | null;
}

export interface InformationRepository {
  /** Creates a person of kind `refugee` (no name, e-mail or phone) with their information profile. */
  createReader(person: { id: string; regionId: string; locale: string }, profile: { secondLocale: string | null; topics: string[] }): Promise<void>;
  profile(personId: string): Promise<InfoProfile | null>;
  /** Creates or replaces the profile (a registered volunteer may follow information too). */
  saveProfile(personId: string, profile: { secondLocale: string | null; topics: string[] }): Promise<void>;
  /** Moves the person (and so their questions and subscriptions) to another region. */
  setRegion(personId: string, regionId: string): Promise<void>;
  /** People of a region with a profile that follows the topic, with their languages. */
  followers(regionId: string, topic: string): Promise<{ personId: string; locale: string; secondLocale: string | null }[]>;
  /** Links a submission into a translation group (its own id for a first version). */
  link(submissionId: string, groupId: string): Promise<void>;
  groupOf(submissionId: string): Promise<{ groupId: string; urgent: boolean } | null>;
  /** Marks every submission of the group urgent (or not); returns how many rows changed. */
  setUrgent(groupId: string, urgent: boolean): Promise<number>;
  /** The current published version of every information item of a region (optionally one topic), newest first. */
  published(regionId: string, topic: string | null, limit: number): Promise<InfoVersion[]>;
  /** The published versions of one group, any language. */
  group(groupId: string): Promise<InfoVersion[]>;
  ask(question: Pick<InfoQuestion, 'id' | 'regionId' | 'personId' | 'submissionId' | 'text'>, at: Date): Promise<void>;
  findQuestion(id: string): Promise<InfoQuestion | null>;
  /** Unanswered questions of a region, oldest first. */
  openQuestions(regionId: string, limit: number): Promise<InfoQuestion[]>;
  /** Records the answer once: of two people answering at once exactly one gets true. */
  answer(id: string, answer: string, byId: string, at: Date): Promise<boolean>;
  questionsOf(personId: string): Promise<InfoQuestion[]>;
  /**
   * Active people of the region who may answer its questions: moderators and admins of the
   * region or of every region, coordinators whose grant is in the region.
   */
  answerers(regionId: string): Promise<string[]>;
  /**
   * Moves a question's publication from `from` to `to` in one conditional update (of two taps or
   * two people at once exactly one gets true), recording who proposed or which submission it became.
   */
  setPublication(id: string, from: InfoQuestion['publication'], to: 'proposed' | 'accepted' | 'declined', extra?: { proposedById?: string; qaTopic?: string; qaSubmissionId?: string }): Promise<boolean>;
}
