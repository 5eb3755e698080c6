// The agent's cgroup path parser, reused, not copied: the pod uid in a kubepods path is the
// enricher's second key. It lives in the agent (which has no package entry for it yet), hence the
// relative path; move both to a shared package together when a third user appears.
export { parseCgroupPath, type ContainerRef } from '@tracehound/agent/container-id';
