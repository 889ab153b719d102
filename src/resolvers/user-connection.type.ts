import { User } from "../entities/user.entity";
import { ConnectionType } from "./connection.type";

export const UserConnection = ConnectionType("User", User);
