import { Router } from 'express';
import { CreateTaskBody, Id, ListTasksQuery, MoveTaskBody, UpdateTaskBody } from '@kanban/shared';
import { createTask } from '../../commands/create-task';
import { deleteTask } from '../../commands/delete-task';
import { moveTask } from '../../commands/move-task';
import { updateTask } from '../../commands/update-task';
import { archiveTask } from '../../commands/archive';
import type { CommandDeps } from '../../commands/deps';
import { findTask, listTasks } from '../../db/queries';
import { NotFound } from '../../commands/errors';
import { parse } from '../validate';
import { checkModel, type WithModels } from '../model-field';
import { actorOf, as } from '../actor';
import { check } from '../../policy';

export function taskRoutes(deps: Omit<CommandDeps, 'actor'> & WithModels): Router {
  const r = Router();
  r.get('/boards/:id/tasks', async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    const filters = parse(ListTasksQuery, req.query, 'query');
    await check(deps.db, actorOf(res), 'read', 'board', id);
    res.json({ data: await listTasks(deps.db, id, filters) });
  });
  r.post('/boards/:id/tasks', async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    const body = parse(CreateTaskBody, req.body);
    checkModel(deps.models, body.model, 'body.model');
    res.status(201).json(await createTask(as(deps, res), id, body));
  });
  r.get('/tasks/:id', async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    await check(deps.db, actorOf(res), 'read', 'task', id);
    const task = await findTask(deps.db, id);
    if (!task) throw new NotFound('task', id);
    res.json({ data: task });
  });
  r.get('/tasks/:id/activity', async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    await check(deps.db, actorOf(res), 'read', 'task', id);
    const data = await deps.db
      .selectFrom('task_activity')
      .selectAll()
      .where('task_id', '=', id)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    res.json({ data });
  });
  r.patch('/tasks/:id', async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    const body = parse(UpdateTaskBody, req.body);
    checkModel(deps.models, body.model, 'body.model');
    // A conditional save of the description (see shared/src/text-version.ts).
    const ifMatch = req.get('if-match');
    res.json(await updateTask(as(deps, res), id, body, ifMatch ? { ifDescription: ifMatch.trim() } : {}));
  });
  r.post('/tasks/:id/move', async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    res.json(await moveTask(as(deps, res), id, parse(MoveTaskBody, req.body)));
  });
  r.post('/tasks/:id/archive', async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    res.json(await archiveTask(as(deps, res), id, true));
  });
  r.post('/tasks/:id/restore', async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    res.json(await archiveTask(as(deps, res), id, false));
  });
  r.delete('/tasks/:id', async (req, res) => {
    const id = parse(Id, req.params.id, 'path.id');
    res.json(await deleteTask(as(deps, res), id));
  });
  return r;
}
