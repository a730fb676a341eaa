/** The top bar's slot for the open board's own controls (BoardScreen portals into it). */
export const BOARD_TOOLS_ID = 'board-tools';
