/**
 * Sessions in the database (SECURITY.md S1-S5), through express-session and connect-mongo. A session
 * holds only ids, times, the MFA state and the CSRF token. connect-mongo checks its `expires` field on
 * every read, and a TTL index on it (services/database.ts) removes expired sessions (DATABASE.md). The
 * server also enforces the idle and absolute limits on every request (middleware/current-user.ts).
 */
import MongoStore from 'connect-mongo';
import type { RequestHandler } from 'express';
import session, { Store, type SessionData } from 'express-session';
import mongoose from 'mongoose';
import { SESSIONS_COLLECTION } from '../services/auth/sessions.js';

declare module 'express-session' {
  interface SessionData {
    userId: string;
    epoch: number;
    /** The second factor was given in this session (or the user's roles need none). */
    mfa: boolean;
    startedAt: number;
    seenAt: number;
    /**
     * A language code (nothing personal): the one picked on the sign-in page, which the pages keep until
     * the second factor is given; then offered once as the profile's language (`languageOffer`).
     */
    language: string;
    languageOffer: string;
  }
}

export const IDLE_LIMIT_MS = 30 * 60_000;
export const ABSOLUTE_LIMIT_MS = 12 * 3600_000;
/** A visitor who is not signed in keeps a session only for a form's token: an hour is plenty. */
export const ANONYMOUS_LIMIT_MS = 60 * 60_000;

type Callback<T = void> = (err?: unknown, value?: T) => void;

/**
 * connect-mongo bound to whatever database mongoose is connected to at the time of the request. The
 * app exists before the database is reachable (it answers 503 meanwhile), so the store cannot be made
 * up front; it is made on first use and again if the connection changes.
 */
class ConnectionStore extends Store {
  private inner: MongoStore | undefined;
  private db: unknown;

  private store(): MongoStore {
    const db = mongoose.connection.db;
    if (!db) throw new Error('database not connected');
    if (this.inner && this.db === db) return this.inner;
    // The previous store is dropped, not closed: closing it would close the shared driver client.
    this.db = db;
    this.inner = MongoStore.create({
      client: mongoose.connection.getClient() as never,
      dbName: db.databaseName,
      collectionName: SESSIONS_COLLECTION,
      ttl: ABSOLUTE_LIMIT_MS / 1000,
      // The TTL index is Haven's own (services/database.ts), built at start with the others.
      autoRemove: 'disabled',
      // Stored as a document, so that a user's sessions can be found and ended (S5).
      stringify: false,
    });
    return this.inner;
  }

  override get = (sid: string, cb: Callback<SessionData | null>) => this.call(cb, (s) => s.get(sid, cb));
  override set = (sid: string, data: session.SessionData, cb?: Callback) => this.call(cb, (s) => s.set(sid, data, cb));
  override destroy = (sid: string, cb?: Callback) => this.call(cb, (s) => s.destroy(sid, cb));
  override touch = (sid: string, data: session.SessionData, cb?: Callback) => this.call(cb, (s) => s.touch(sid, data, cb));

  private call(cb: Callback<never> | undefined, fn: (s: MongoStore) => void): void {
    try {
      fn(this.store());
    } catch (err) {
      cb?.(err);
    }
  }
}

export function sessionCookieName(secure: boolean): string {
  return secure ? '__Host-haven' : 'haven';
}

export function sessions(options: { secret: string; secure: boolean }): RequestHandler {
  return session({
    name: sessionCookieName(options.secure),
    secret: options.secret,
    store: new ConnectionStore(),
    resave: false,
    saveUninitialized: false,
    rolling: false,
    unset: 'destroy',
    cookie: { httpOnly: true, secure: options.secure, sameSite: 'lax', path: '/' },
  });
}
