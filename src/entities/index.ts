import { User } from "./user.entity";

/** Every entity, listed once for the ORM (no folder scanning, so compiled and test runs agree). */
export const entities = [User];
