-- better-auth's tables (email + password, cookie sessions), generated once with its
-- getMigrations(...).compileMigrations() for better-auth 1.7.25 and committed here, so the app
-- never runs its CLI. Column names are better-auth's (camelCase, quoted); "color" is our
-- additional user field (avatar colour), "isAdmin" marks the instance admin (the first account)
-- and is not known to better-auth, so no sign-up body can set it.

create table "user" ("id" text not null primary key, "name" text not null, "email" text not null unique, "emailVerified" boolean not null, "image" text, "createdAt" timestamptz default CURRENT_TIMESTAMP not null, "updatedAt" timestamptz default CURRENT_TIMESTAMP not null, "color" text);

create table "session" ("id" text not null primary key, "expiresAt" timestamptz not null, "token" text not null unique, "createdAt" timestamptz default CURRENT_TIMESTAMP not null, "updatedAt" timestamptz not null, "ipAddress" text, "userAgent" text, "userId" text not null references "user" ("id") on delete cascade);

create table "account" ("id" text not null primary key, "accountId" text not null, "providerId" text not null, "userId" text not null references "user" ("id") on delete cascade, "accessToken" text, "refreshToken" text, "idToken" text, "accessTokenExpiresAt" timestamptz, "refreshTokenExpiresAt" timestamptz, "scope" text, "password" text, "createdAt" timestamptz default CURRENT_TIMESTAMP not null, "updatedAt" timestamptz not null);

create table "verification" ("id" text not null primary key, "identifier" text not null, "value" text not null, "expiresAt" timestamptz not null, "createdAt" timestamptz default CURRENT_TIMESTAMP not null, "updatedAt" timestamptz default CURRENT_TIMESTAMP not null);

create index "session_userId_idx" on "session" ("userId");

create index "account_userId_idx" on "account" ("userId");

create index "verification_identifier_idx" on "verification" ("identifier");

ALTER TABLE "user" ADD COLUMN "isAdmin" boolean NOT NULL DEFAULT false;
-- At most one instance admin is made by sign-up (the first account); the index makes the race
-- of two simultaneous first sign-ups end with one admin.
CREATE UNIQUE INDEX user_one_first_admin ON "user" ("isAdmin") WHERE "isAdmin";
