import { Type, type Static } from '@sinclair/typebox';
import { AgentConfig, CommonConfig } from '@tracehound/config';

export const AgentAppConfig = Type.Composite([CommonConfig, AgentConfig]);
export type AgentAppConfig = Static<typeof AgentAppConfig>;
