// Ansible's tag selection: --tags, --skip-tags, and the special `always`/`never`.

export function selectedByTags(taskTags: string[], tags: string[], skipTags: string[]): boolean {
  const has = (t: string) => taskTags.includes(t);
  if (skipTags.some(has)) return false;
  if (has('always') && !skipTags.includes('always')) return true;
  if (tags.length === 0) return !has('never');
  if (tags.includes('all') && !has('never')) return true;
  if (tags.includes('tagged') && taskTags.length > 0) return true;
  if (tags.includes('untagged') && taskTags.length === 0) return true;
  return taskTags.some((t) => tags.includes(t));
}
