// A node:test reporter for the mutation runs (stryker.config.mjs): the process ends with exit code 1
// at the first failing test, since one failure is enough to call a mutant killed and the rest of the
// run would only cost time. It prints nothing: Stryker reads the exit code alone.
export default async function* bailAtFirstFailure(source) {
  for await (const event of source) {
    if (event.type === 'test:fail' && !event.data.todo) process.exit(1);
  }
}
