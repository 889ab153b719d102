const pino = require("pino"); const lines = [];
const base = pino({ level: "info" }, { write: (s) => lines.push(s) });
let made = 0; let logger;
const p = new Proxy({}, { get(_, prop) { logger ??= (made++, base.child({ req: { id: 1 } })); const v = Reflect.get(logger, prop, logger); return typeof v === "function" ? v.bind(logger) : v; } });
Object.assign({}, { log: p }); console.log("made after assign", made);
p.info({ x: 1 }, "hello"); p.child({ y: 2 }).warn("w"); console.log(made, lines.join(""), p.level, p.isLevelEnabled("debug"));
