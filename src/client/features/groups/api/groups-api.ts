// The conversation-group API (GET/POST …/groups, PATCH/DELETE …/groups/:id, POST …/conversations,
// GET …/groups/changes, Undo through POST /api/audit/:id/revert) and its TanStack hooks. Every
// change reloads the user's groups, their conversations (which name their groups) and the changes.
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { auditRoutes } from '../../../../shared/api/contracts/audit';
import { groupRoutes } from '../../../../shared/api/contracts/groups';
import {
  groupAuditEntrySchema,
  type CreateGroupRequest,
  type DeleteGroupRequest,
  type GroupAuditEntry,
  type GroupChangesResponse,
  type GroupMembersRequest,
  type GroupsResponse,
  type RenameGroupRequest,
} from '../../../../shared/api/groups';
import { callRoute } from '../../../lib/call-route';
import { marksKeys } from '../../../entities/marks/api/keys';
import { groupsKeys } from './keys';

export function getGroups(userId: string, signal?: AbortSignal): Promise<GroupsResponse> {
  return callRoute(groupRoutes.list, { params: { userId }, signal });
}

export function groupsQueryOptions(userId: string) {
  return queryOptions({ queryKey: groupsKeys.list(userId), queryFn: ({ signal }) => getGroups(userId, signal) });
}

export function useGroups(userId: string) {
  return useQuery(groupsQueryOptions(userId));
}

export function getGroupChanges(userId: string, signal?: AbortSignal): Promise<GroupChangesResponse> {
  return callRoute(groupRoutes.changes, { params: { userId }, signal });
}

export function useGroupChanges(userId: string) {
  return useQuery({ queryKey: groupsKeys.changes(userId), queryFn: ({ signal }) => getGroupChanges(userId, signal) });
}

export async function createGroup(userId: string, request: CreateGroupRequest): Promise<GroupAuditEntry> {
  return (await callRoute(groupRoutes.create, { params: { userId }, body: request })).change;
}

export async function renameGroup(userId: string, groupId: number, request: RenameGroupRequest): Promise<GroupAuditEntry> {
  return (await callRoute(groupRoutes.rename, { params: { userId, groupId }, body: request })).change;
}

export async function deleteGroup(userId: string, groupId: number, request: DeleteGroupRequest = {}): Promise<GroupAuditEntry> {
  return (await callRoute(groupRoutes.delete, { params: { userId, groupId }, body: request })).change;
}

export async function changeGroupMembers(userId: string, groupId: number, request: GroupMembersRequest): Promise<GroupAuditEntry[]> {
  return (await callRoute(groupRoutes.members, { params: { userId, groupId }, body: request })).changes;
}

export function revertGroupChange(entryId: string, reason?: string): Promise<GroupAuditEntry> {
  return callRoute(auditRoutes.revert, { params: { id: entryId }, body: reason ? { reason } : {}, schema: groupAuditEntrySchema });
}

function useGroupMutation<Variables, Result>(userId: string, mutationFn: (variables: Variables) => Promise<Result>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    // Even a refused change may follow someone else's: always reload.
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: groupsKeys.list(userId) }),
        queryClient.invalidateQueries({ queryKey: groupsKeys.changes(userId) }),
        queryClient.invalidateQueries({ queryKey: marksKeys.conversations(userId) }),
      ]),
  });
}

export const useCreateGroup = (userId: string) => useGroupMutation(userId, (request: CreateGroupRequest) => createGroup(userId, request));
export const useRenameGroup = (userId: string) =>
  useGroupMutation(userId, ({ groupId, ...request }: RenameGroupRequest & { groupId: number }) => renameGroup(userId, groupId, request));
export const useDeleteGroup = (userId: string) =>
  useGroupMutation(userId, ({ groupId, ...request }: DeleteGroupRequest & { groupId: number }) => deleteGroup(userId, groupId, request));
export const useChangeGroupMembers = (userId: string) =>
  useGroupMutation(userId, ({ groupId, ...request }: GroupMembersRequest & { groupId: number }) => changeGroupMembers(userId, groupId, request));
export const useRevertGroupChange = (userId: string) =>
  useGroupMutation(userId, ({ entryId, reason }: { entryId: string; reason?: string }) => revertGroupChange(entryId, reason));
