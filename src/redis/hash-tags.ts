import { randomBytes } from "node:crypto";
import calculateSlot from "cluster-key-slot";

/**
 * Keys of one user on a Redis Cluster: the session index is tagged with the user id, and each session id
 * starts with a short tag that falls in the same hash slot. So a user's index and sessions live on one
 * node (MGET over them is never refused with CROSSSLOT, and one WAIT covers a login or a logout), while the
 * cookie carries only the slot (one of 16,384, shared by many users), not the user id.
 */
export function userIndexTag(userId: number): string {
  return `{${userId}}`;
}

const tagsBySlot = new Map<number, string>();

/** The shortest base-36 string whose hash slot is `slot`; the same on every instance (searched in order). */
function tagForSlot(slot: number): string {
  let tag = tagsBySlot.get(slot);
  if (tag === undefined) {
    for (let n = 0; ; n++) {
      const candidate = n.toString(36);
      if (calculateSlot(candidate) === slot) {
        tag = candidate;
        break;
      }
    }
    tagsBySlot.set(slot, tag);
  }
  return tag;
}

/** A new session id for `userId` (24 random bytes, as express-session's own), in the slot of the user's index. */
export function taggedSessionId(userId: number): string {
  return `{${tagForSlot(calculateSlot(String(userId)))}}${randomBytes(24).toString("base64url")}`;
}

export { calculateSlot as keySlot };
