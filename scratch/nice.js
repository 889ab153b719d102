const { Worker, isMainThread } = require("worker_threads"); const os = require("os"); const fs = require("fs");
if (isMainThread) {
  const w = new Worker(__filename);
  w.on("message", () => {
    for (const tid of fs.readdirSync("/proc/self/task")) { const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, "utf8").split(") ")[1].split(" "); const comm = fs.readFileSync(`/proc/self/task/${tid}/comm`, "utf8").trim(); console.log(tid, comm, "nice", stat[16]); }
    console.log("main getPriority", os.getPriority()); process.exit(0);
  });
} else { os.setPriority(19); require("worker_threads").parentPort.postMessage("ok"); setInterval(() => {}, 1000); }
