/**
 * Building the embedded engine (DATABASE.md): once per version, never twice at once, never half a
 * binary in place. A stand-in `cargo` on PATH plays the build, so that this runs in seconds; the real
 * build is what `.ci/run` and the first `npm test` do.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { EngineUnavailableError, SECANTUS_VERSION, engineBinaryPath, ensureEngineBinary } from '../../src/lib/db/engine.js';

const FAKE_CARGO = `#!/bin/sh
# A stand-in for cargo: "cargo --version" answers; "cargo install ... --root DIR" writes DIR/bin/secantusd-rs.
[ "$1" = "--version" ] && { echo "cargo 0.0.0-fake"; exit 0; }
echo "$$ $*" >> "$FAKE_CARGO_LOG"
root=""
while [ $# -gt 0 ]; do [ "$1" = "--root" ] && root="$2"; shift; done
echo "   Compiling fake-crate v1.0.0" >&2
sleep 1
if [ -n "$FAKE_CARGO_FAIL" ]; then echo "error: could not compile fake-crate" >&2; exit 101; fi
mkdir -p "$root/bin"
printf '#!/bin/sh\\necho fake engine\\n' > "$root/bin/secantusd-rs"
chmod +x "$root/bin/secantusd-rs"
`;

describe('building the embedded engine', function () {
  this.timeout(30_000);
  let dir: string;
  let log: string;
  const saved = { PATH: process.env.PATH, FAKE_CARGO_LOG: process.env.FAKE_CARGO_LOG, FAKE_CARGO_FAIL: process.env.FAKE_CARGO_FAIL };
  const said: string[] = [];
  const say = (m: string) => said.push(m);

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'haven-engine-build-'));
    const bin = path.join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'cargo'), FAKE_CARGO);
    chmodSync(path.join(bin, 'cargo'), 0o755);
    log = path.join(dir, 'cargo.log');
    process.env.PATH = `${bin}:${saved.PATH}`;
    process.env.FAKE_CARGO_LOG = log;
    delete process.env.FAKE_CARGO_FAIL;
    said.length = 0;
  });
  afterEach(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const builds = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []);

  it('builds the pinned version with cargo install --locked into the cache, once, and then reuses it', async () => {
    const cache = path.join(dir, 'cache');
    const binary = await ensureEngineBinary(cache, say);
    expect(binary).to.equal(engineBinaryPath(cache));
    expect(binary).to.include(`secantus-${SECANTUS_VERSION}`);
    expect(existsSync(binary!)).to.equal(true);
    const [first] = builds();
    expect(first).to.include('install').and.include('--locked').and.include(`--version ${SECANTUS_VERSION}`).and.include('secantus-mdb');
    expect(said.join('\n')).to.include('8-12 minutes');
    expect(await ensureEngineBinary(cache, say)).to.equal(binary);
    expect(builds()).to.have.length(1);
  });

  it('two processes asking at once: one builds, the other waits for it (a lock file), and no partial build is left', async () => {
    const cache = path.join(dir, 'cache');
    const [a, b] = await Promise.all([ensureEngineBinary(cache, say), ensureEngineBinary(cache, say)]);
    expect(a).to.equal(b);
    expect(builds()).to.have.length(1);
    expect(readdirSync(cache).filter((f) => f.endsWith('.partial') || f.endsWith('.lock'))).to.deep.equal([]);
  });

  it('takes over a lock left by a process that no longer runs', async () => {
    const cache = path.join(dir, 'cache');
    mkdirSync(cache, { recursive: true });
    writeFileSync(path.join(cache, `secantus-${SECANTUS_VERSION}.lock`), '999999999');
    expect(await ensureEngineBinary(cache, say)).to.equal(engineBinaryPath(cache));
    expect(builds()).to.have.length(1);
  });

  it('a failed build says why, and leaves neither a binary nor a partial folder', async () => {
    const cache = path.join(dir, 'cache');
    process.env.FAKE_CARGO_FAIL = '1';
    let error: unknown;
    try {
      await ensureEngineBinary(cache, say);
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(EngineUnavailableError);
    expect((error as Error).message).to.include('could not compile fake-crate').and.include('cmake');
    expect(existsSync(engineBinaryPath(cache))).to.equal(false);
    expect(readdirSync(cache).filter((f) => f.endsWith('.partial') || f.endsWith('.lock'))).to.deep.equal([]);
  });

  it('without cargo there is nothing to build with: undefined, for the next choice', async () => {
    process.env.PATH = path.join(dir, 'nothing-here');
    expect(await ensureEngineBinary(path.join(dir, 'cache'), say)).to.equal(undefined);
  });
});
