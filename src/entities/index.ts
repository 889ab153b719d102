import { AccountToken } from "./account-token.entity";
import { Cart } from "./cart.entity";
import { CartLine } from "./cart-line.entity";
import { Order } from "./order.entity";
import { MailOutbox } from "./mail-outbox.entity";
import { OrderLine } from "./order-line.entity";
import { PasswordResetRequest } from "./password-reset-request.entity";
import { Product } from "./product.entity";
import { RecoveryCode } from "./recovery-code.entity";
import { SecurityEvent } from "./security-event.entity";
import { User } from "./user.entity";

/** Every entity, listed once for the ORM (no folder scanning, so compiled and test runs agree). */
export const entities = [User, Product, Cart, CartLine, Order, OrderLine, RecoveryCode, SecurityEvent, AccountToken, MailOutbox, PasswordResetRequest];
