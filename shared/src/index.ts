export * from './schemas/common';
export * from './schemas/account';
export * from './schemas/board';
export * from './schemas/column';
export * from './schemas/task';
export * from './schemas/message';
export * from './events';
export * from './problem';
