/* modules.c: the generated modules the parity runner can call, built by tests/torch.mk with
 * morchgen --reflect: every graph of the .morch files in tests/torch/ and of the mlp and logreg
 * examples, in float and in double, and the seed example's file as it ships. */
#include "morchrt.h"

extern const morch_graph_info *const torch_parity_graphs[];
extern const morch_graph_info *const torch_parity_f64_graphs[];
extern const morch_graph_info *const torch_examples_graphs[];
extern const morch_graph_info *const torch_examples_f64_graphs[];
extern const morch_graph_info *const seed_reflect_graphs[];

const morch_graph_info *const *const runner_modules[] = {
	torch_parity_graphs,
	torch_parity_f64_graphs,
	torch_examples_graphs,
	torch_examples_f64_graphs,
	seed_reflect_graphs,
	NULL,
};
