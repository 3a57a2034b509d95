/** The mark editor's heading: focus goes there when the save results the person was in are dismissed. */
export const MARK_EDITOR_TITLE_ID = 'mark-editor-title';
