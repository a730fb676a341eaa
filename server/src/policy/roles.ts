// What each board role may do. Viewers read and watch chats; editors also write and chat; owners
// also manage members, settings (agents, prompts, budgets) and delete the board.

export const ROLES = ['owner', 'editor', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const ACTIONS = ['read', 'write', 'chat', 'manage-members', 'manage-settings', 'delete'] as const;
export type Action = (typeof ACTIONS)[number];

export const ALLOWED: Record<Action, readonly Role[]> = {
  read: ['viewer', 'editor', 'owner'],
  write: ['editor', 'owner'],
  chat: ['editor', 'owner'],
  'manage-members': ['owner'],
  'manage-settings': ['owner'],
  delete: ['owner'],
};
