import type { ApiKey, BoardRole, Instance, InviteInfo, Member } from '@kanban/shared';
import { request } from '../api/http';

// better-auth's own endpoints (docs/accounts.md) and the account routes around them. Its errors
// are `{ code, message }`; request() turns them into an ApiError whose detail is the message.

export interface User {
  id: string;
  name: string;
  email: string;
  isAdmin?: boolean;
  color?: string | null;
}

const enc = encodeURIComponent;

export const authApi = {
  instance: (): Promise<Instance> => request('GET', '/api/instance'),
  session: (): Promise<{ user: User } | null> => request('GET', '/api/auth/get-session'),
  signIn: (body: { email: string; password: string }): Promise<{ user: User }> =>
    request('POST', '/api/auth/sign-in/email', body),
  signUp: (body: {
    name: string;
    email: string;
    password: string;
    inviteToken?: string;
  }): Promise<{
    user: User;
  }> => request('POST', '/api/auth/sign-up/email', body),
  signOut: (): Promise<unknown> => request('POST', '/api/auth/sign-out', {}),
};

export interface CreatedInvite {
  id: string;
  token: string;
  url: string;
  role: BoardRole;
  expiresAt: string;
}

export const inviteApi = {
  info: (token: string): Promise<{ data: InviteInfo }> => request('GET', `/api/invites/${enc(token)}`),
  accept: (token: string): Promise<{ data: Member }> =>
    request('POST', `/api/invites/${enc(token)}/accept`, {}),
  create: (
    boardId: string,
    body: { role: BoardRole; expiresInHours: number },
  ): Promise<{ data: CreatedInvite }> => request('POST', `/api/boards/${enc(boardId)}/invites`, body),
  revoke: (id: string): Promise<unknown> => request('DELETE', `/api/invites/${enc(id)}`),
};

export const membersApi = {
  list: (boardId: string): Promise<{ data: Member[] }> =>
    request('GET', `/api/boards/${enc(boardId)}/members`),
  setRole: (boardId: string, userId: string, role: BoardRole): Promise<unknown> =>
    request('PATCH', `/api/boards/${enc(boardId)}/members/${enc(userId)}`, { role }),
  remove: (boardId: string, userId: string): Promise<unknown> =>
    request('DELETE', `/api/boards/${enc(boardId)}/members/${enc(userId)}`),
};

export const apiKeysApi = {
  list: (): Promise<{ data: ApiKey[] }> => request('GET', '/api/api-keys'),
  create: (name: string): Promise<{ data: ApiKey; key: string }> =>
    request('POST', '/api/api-keys', { name }),
  revoke: (id: string): Promise<unknown> => request('DELETE', `/api/api-keys/${enc(id)}`),
};
