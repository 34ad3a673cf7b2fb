/** The records of SPEC §2. Every stored record has an id and its own timestamps. */
export type Id = string;
export type Locale = 'zh-CN' | 'en';
export const LOCALES: readonly Locale[] = ['zh-CN', 'en'];

export interface Entity {
  id: Id;
  createdAt: Date;
  updatedAt: Date;
}

/** Where a record sits in the street → community → grid → group tree (denormalised for scope filters). */
export interface Placed {
  communityId: Id;
  gridId: Id;
  groupId: Id;
}

export interface Community extends Entity {
  name: string;
}
export interface Grid extends Entity {
  communityId: Id;
  name: string;
}
export interface Group extends Entity {
  communityId: Id;
  gridId: Id;
  name: string;
  /** the house whose landlord is the 户长 */
  headHouseId: Id | null;
  /** the WeChat room bound to this group */
  roomId: string | null;
  locale: Locale | null;
  /** the bot account serving the room */
  botId: string | null;
}
export interface House extends Entity, Placed {
  code: string;
  address: string;
  landlordId: Id;
  /** the WeChat contact registered (登记) for this house */
  contactId: Id | null;
  /** someone else asked to register for this house; a head or staff member confirms (确认登记) */
  pendingContactId: Id | null;
  /** the registered landlord left the group's WeChat room (room-leave): not @mentioned until they are back (issue 25) */
  holderLeftAt?: Date | null;
  tenants: number;
  rooms: number;
  /** 重点出租房: 10 or more tenants */
  isKey: boolean;
}
export interface Landlord extends Entity {
  name: string;
  /** personal data: never in group messages or logs */
  phone: string;
  /** issue 28: `only` — reachable by SMS only (no WeChat); `never` — opted out of SMS; null — the default */
  sms?: 'only' | 'never' | null;
}
export interface Contact extends Entity {
  wechatId: string;
  name: string;
  landlordId: Id | null;
  userId: Id | null;
  locale: Locale | null;
}

export interface Letter extends Entity {
  version: number;
  texts: Partial<Record<Locale, string>>;
  publishedAt: Date;
}
export interface Commitment extends Entity, Placed {
  houseId: Id;
  houseCode: string;
  letterVersion: number;
  landlordId: Id;
  contactId: Id | null;
  messageId: string | null;
  at: Date;
}

export type ChecklistItem = 'smoke' | 'extinguisher' | 'ebike' | 'exit' | 'wiring' | 'kit' | 'placard';
export interface Round extends Entity {
  period: string;
  deadline: Date;
  scope: string;
  status: 'open' | 'closed';
  openedAt: Date;
}
export type SubmissionStatus = 'partial' | 'complete' | 'approved' | 'returned';
export interface Submission extends Entity, Placed {
  roundId: Id;
  period: string;
  houseId: Id;
  houseCode: string;
  status: SubmissionStatus;
  /** photo ids per checklist item */
  items: Partial<Record<ChecklistItem, Id[]>>;
  returnReason: string | null;
  /** the one item a return named (its photos were taken out of `items`, to be sent again); null for a whole set (issue 26) */
  returnedItem?: ChecklistItem | null;
  reviewedBy: string | null;
  reviewedAt: Date | null;
}
export interface Photo extends Entity {
  sha256: string;
  mime: string;
  size: number;
  contactId: Id | null;
  messageId: string | null;
  houseId: Id | null;
  roundId: Id | null;
  item: ChecklistItem | null;
  hazardId: Id | null;
  tipId: Id | null;
  /** false when the bytes were already used by another house or an earlier round */
  counted: boolean;
}

export type HazardStatus = 'open' | 'rectified' | 'closed';
export interface Hazard extends Entity, Placed {
  number: number;
  houseId: Id;
  houseCode: string;
  description: string;
  deadline: Date;
  status: HazardStatus;
  openedBy: string;
  evidencePhotoIds: Id[];
  /** photos staff took on site, before and after the fix (null until there are any) */
  sitePhotos: { photoId: Id; kind: 'before' | 'after'; by: string; at: string }[] | null;
  rectifiedAt: Date | null;
  closedAt: Date | null;
  closedBy: string | null;
}
export interface Tip extends Entity {
  number: number;
  reporterContactId: Id;
  /** where it is, when the text names a house code: staff of that scope see it (street staff see all) */
  houseId: Id | null;
  communityId: Id | null;
  gridId: Id | null;
  groupId: Id | null;
  /** the hazard opened from it, if any */
  hazardId: Id | null;
  text: string;
  photoIds: Id[];
  status: 'new' | 'accepted' | 'rejected';
  decidedBy: string | null;
  decidedAt: Date | null;
  reason: string | null;
}
export type PointReason =
  'commitment' | 'inspection_on_time' | 'hazard_closed' | 'tip_accepted' | 'hazard_overdue' | 'inspection_returned' | 'adjustment';
/** An admin's amount for a reason, in place of the default in POINT_RULES. */
export interface PointRule extends Entity {
  reason: PointReason;
  amount: number;
}

/** One line of the append-only points ledger. */
export interface PointEntry extends Entity {
  landlordId: Id | null;
  contactId: Id | null;
  gridId: Id | null;
  reason: PointReason;
  amount: number;
  /** what earned it (commitment, submission, hazard, tip id) — one award per (reason, ref, landlord) */
  refId: string;
}

export interface Broadcast extends Entity {
  text: string;
  imagePhotoId: Id | null;
  scope: string;
  at: Date;
  status: 'scheduled' | 'sending' | 'done' | 'failed';
  createdBy: string;
}
export interface Delivery extends Entity {
  broadcastId: Id;
  roomId: string;
  status: 'pending' | 'sent' | 'failed';
  sentAt: Date | null;
  error: string | null;
}

export type Role = 'admin' | 'staff' | 'head';
export interface User extends Entity {
  name: string;
  role: Role;
  /** `street`, `community:<id>`, `grid:<id>` or `group:<id>` */
  scope: string;
  contactId: Id | null;
  active: boolean;
}
export interface ApiToken extends Entity {
  userId: Id;
  /** sha256 of the token; the token itself is never stored */
  hash: string;
  label: string;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}
/** A user's sign-in name and password (argon2id hash); kept apart from the user so user lists never carry it. */
export interface Password extends Entity {
  userId: Id;
  /** lower-case, unique */
  username: string;
  hash: string;
  /** set by an admin (or made at first start): the user is asked to choose their own */
  mustChange: boolean;
}
/** A dashboard session: the cookie holds a random id, the store its sha256 (issue 26). */
export interface Session extends Entity {
  userId: Id;
  hash: string;
  expiresAt: Date;
  revokedAt: Date | null;
}
/** Failed sign-ins counted per user name and per address, and the lockout they lead to. */
export interface SigninAttempt extends Entity {
  /** `user:<username>` or `addr:<ip>` */
  key: string;
  failures: number;
  windowStart: Date;
  lockedUntil: Date | null;
}
export interface BindCode extends Entity {
  code: string;
  kind: 'group' | 'staff';
  targetId: Id;
  expiresAt: Date | null;
  usedAt: Date | null;
  usedBy: string | null;
}
/** A house's row of a closed month's report, frozen at month close (issue 11). */
export interface ReportRow extends Entity, Placed {
  period: string;
  code: string;
  data: HouseFigure;
}
export interface AuditEntry extends Entity {
  actor: string;
  action: string;
  target: string;
  detail: Record<string, unknown>;
  /** where the record changed sits, so staff read the audit of their own scope; none: street-wide */
  communityId?: Id | null;
  gridId?: Id | null;
  groupId?: Id | null;
}
/**
 * What the bot is waiting for from a person (SPEC §3): which item a photo shows
 * (`label_photo`), the item named before the photo (`label_next`), which house a photo is
 * for (`choose_house`), evidence for a hazard, photos for a tip; a photo kept while no round
 * is open (`loose_photo`) may still become a hazard's evidence. It applies only to
 * messages sent at or after `since`, in the same conversation, and is dropped once expired.
 */
export type IntentKind =
  | 'label_next'
  | 'label_photo'
  | 'choose_house'
  | 'loose_photo'
  | 'hazard_evidence'
  | 'tip_photos'
  /** the bot asked this person to commit (`好的` then gets a confirming question), and that question (`1` confirms) */
  | 'commit_ask'
  | 'commit_confirm'
  /** the bot asked for the last four digits of the roster phone of the house being registered */
  | 'register_proof'
  /** a head or staff member said `退回 CODE` without a reason: their next words in the room are it */
  | 'return_reason';
export interface Intent extends Entity {
  /** the contact whose intent it is: nobody else's message applies to it */
  contactId: Id;
  /** the room id, or `private` for a private chat with the bot */
  conversation: string;
  kind: IntentKind;
  item: ChecklistItem | null;
  houseId: Id | null;
  photoId: Id | null;
  hazardId: Id | null;
  tipId: Id | null;
  /** when the message that made it was sent */
  since: Date;
  expiresAt: Date;
}

/**
 * 一户一码 (issue 27): the unguessable token a house's placard QR carries, in place of its id.
 * Staff rotate it (a placard torn off or photographed); the old token then opens nothing.
 */
export interface PlacardToken extends Entity {
  houseId: Id;
  token: string;
  rotatedBy: string | null;
}

/** A WeChat message id already handled: redelivery changes nothing. */
export interface ProcessedMessage extends Entity {
  kind: string;
}

/** `rerouted`: a room post that went by SMS instead, to each landlord it named (issue 28) */
export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'rerouted';
/** One message the bot will send, persisted before it is sent (SPEC §4). */
export interface OutboxEntry extends Entity {
  /** unique: enqueuing the same key twice sends once */
  key: string;
  /** the bot account that serves the room ('*' until a room has one) */
  account: string;
  roomId: string | null;
  contactId: string | null;
  text: string;
  mentions: string[];
  /** lower goes first: replies to a person (0) ahead of bulk posts (10) */
  priority: number;
  status: OutboxStatus;
  attempts: number;
  notBefore: Date;
  /** a sender holds the entry until then; a crashed sender's lease runs out */
  leaseUntil: Date | null;
  leasedBy: string | null;
  sentAt: Date | null;
  error: string | null;
  broadcastId: Id | null;
  /** an image sent after the text (a broadcast's picture) */
  photoId: Id | null;
}

/** A bot account is in a WeChat room (seen in its room list, a message there, or a join). */
export interface RoomMember extends Entity {
  roomId: string;
  account: string;
}

/** Which member account serves a room (SPEC §4): held while its process renews it. */
export interface RoomLease extends Entity {
  roomId: string;
  account: string;
  /** another member may take the room once this has passed */
  leaseUntil: Date;
  /** the process that renews it (diagnostics) */
  worker: string;
}

/** A persisted schedule: node-cron only ticks; what is due is read from here (SPEC §4). */
export interface Schedule extends Entity {
  name: string;
  cron: string;
  timeZone: string;
  action: import('./default-schedule').ScheduleAction;
  scope: string;
  params: Record<string, number | number[] | string>;
  enabled: boolean;
  lastRunAt: Date | null;
  /** advanced by compare-and-set: of several processes, one claims each run */
  nextRunAt: Date;
}

/** One house's row of the monthly report, computed by the database. */
export interface HouseFigure {
  houseId: Id;
  code: string;
  address: string;
  communityId: Id;
  gridId: Id;
  groupId: Id;
  isKey: boolean;
  landlordName: string;
  landlordPhone: string;
  committed: boolean;
  /** the period's submission status, or null when nothing was sent */
  submission: 'partial' | 'complete' | 'approved' | 'returned' | null;
  approvedBy: string | null;
  hazardsOpen: number;
  hazardsOverdue: number;
  /** points in the year asked for */
  points: number;
}
