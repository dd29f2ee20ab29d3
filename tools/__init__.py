"""Developer and operator tools: the one launcher, throwaway stores, the benchmark, the NLU evaluation, purge."""
