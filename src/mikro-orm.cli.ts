import { loadConfig } from "./config";
import { ormOptions } from "./mikro-orm.config";

// The MikroORM CLI reads this default export: the same options as the app, from the same environment.
export default ormOptions(loadConfig());
