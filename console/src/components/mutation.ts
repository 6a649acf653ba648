import { type QueryKey, useMutation, useQueryClient } from '@tanstack/react-query';

/**
 * A mutation over the typed client that, once it succeeds, invalidates the lists it changed (in order,
 * awaited, so the button stays busy until the page shows the change) and then calls `onDone` (usually:
 * close the dialog). `keys` may depend on the result (e.g. the id of what was created).
 */
export function useInvalidatingMutation<T, V = void>(
  keys: readonly QueryKey[] | ((result: T) => readonly QueryKey[]),
  mutationFn: (variables: V) => Promise<T>,
  onDone?: (result: T) => void,
) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: async (result: T) => {
      for (const queryKey of typeof keys === 'function' ? keys(result) : keys) await queryClient.invalidateQueries({ queryKey });
      onDone?.(result);
    },
  });
}
