-- Addressing, handoffs, delegation and column hooks (docs/agents.md, "Who answers").
--
-- A column may carry a hook: when a card enters it, this agent runs with this instruction. The
-- agent must be one of the column's board (checked by the command that sets it); deleting the
-- agent switches the hook off (the instruction stays, so putting an agent back restores it).
ALTER TABLE columns
  ADD COLUMN hook_agent_id    uuid REFERENCES agents (id) ON DELETE SET NULL,
  ADD COLUMN hook_instruction text CHECK (char_length(hook_instruction) <= 4000);

-- How many agent-to-agent steps led to a reply: 0 for one a person asked for (a message, a
-- delegation, a card they moved), n + 1 for a reply a depth-n reply set off (its `mention`
-- tool, or a card it moved into a hooked column). Chains stop at AGENT_HANDOFF_DEPTH.
ALTER TABLE messages
  ADD COLUMN handoff_depth int NOT NULL DEFAULT 0 CHECK (handoff_depth BETWEEN 0 AND 100);
