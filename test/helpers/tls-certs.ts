import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The PEM files of a throwaway CA, made with the openssl CLI in a folder of their own. */
export class TestCa {
  private constructor(
    readonly dir: string,
    private readonly name: string,
  ) {}

  static async create(name: string): Promise<TestCa> {
    const ca = new TestCa(mkdtempSync(path.join(tmpdir(), `sg-${name}-`)), name);
    await ca.openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
      "-keyout", ca.file("ca.key"), "-out", ca.file("ca.crt"), "-days", "1", "-subj", `/CN=${name}`);
    return ca;
  }

  get caFile(): string {
    return this.file("ca.crt");
  }

  /** A certificate this CA signed, for 127.0.0.1 (a server) or for a client; returns the cert and key files. */
  async issue(role: "server" | "client"): Promise<{ cert: string; key: string }> {
    const [key, csr, cert, ext] = ["key", "csr", "crt", "ext"].map((suffix) => this.file(`${role}.${suffix}`));
    await this.openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", csr, "-subj", `/CN=sg-${role}`);
    writeFileSync(ext, role === "server" ? "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n" : "extendedKeyUsage=clientAuth\n");
    // The server's certificate also serves it as a client: a replica and a sentinel connect to the master with it.
    await this.openssl("x509", "-req", "-in", csr, "-CA", this.caFile, "-CAkey", this.file("ca.key"), "-CAcreateserial", "-out", cert, "-days", "1", "-extfile", ext);
    return { cert, key };
  }

  read(file: string): string {
    return readFileSync(file, "utf8");
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private file(name: string): string {
    return path.join(this.dir, name);
  }

  private async openssl(...args: string[]): Promise<void> {
    try {
      await run("openssl", args);
    } catch (err) {
      throw new Error(`openssl ${args[0]} for ${this.name} failed: ${(err as { stderr?: string }).stderr ?? err}`);
    }
  }
}
