/* main.c: trains mlp.morch's 2-layer perceptron on the 8x8 digits with plain minibatch SGD,
 * using the gradient morchgen generated (mlp_grad), and reports held-out accuracy. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "digits.h"
#include "mlp.h"
#include "morchrt.h"
#include "options.h"
#include "rng.h"
#include "stopwatch.h"

#define HIDDEN 32 /* as in mlp.morch */
#define TARGET 0.95

/* The model: mlp.morch's params, and one gradient buffer for each. */
static float w1[DIGITS_FEATURES * HIDDEN], b1[HIDDEN], w2[HIDDEN * DIGITS_CLASSES], b2[DIGITS_CLASSES];
static float d_w1[DIGITS_FEATURES * HIDDEN], d_b1[HIDDEN], d_w2[HIDDEN * DIGITS_CLASSES], d_b2[DIGITS_CLASSES];

static digits_set train, heldout;

/* Uniform in [-a, a] with a = sqrt(6 / fan_in): He initialisation, suited to ReLU. */
static void init_uniform(rng_state *rng, float *w, int n, int fan_in)
{
	double a = sqrt(6.0 / fan_in);
	for (int i = 0; i < n; i++)
		w[i] = (float)((2 * rng_uniform(rng) - 1) * a);
}

static void sgd_step(float *p, const float *d, int n, float lr)
{
	for (int i = 0; i < n; i++)
		p[i] -= lr * d[i];
}

static int argmax(const float *v, int n)
{
	int best = 0;
	for (int i = 1; i < n; i++)
		if (v[i] > v[best])
			best = i;
	return best;
}

/* Mean loss and number of correct predictions on a whole set, batch rows at a time. */
static int evaluate(const digits_set *set, int batch, float *logits, void *ws, double *loss)
{
	int correct = 0;
	double sum = 0;
	for (int start = 0; start < set->n; start += batch) {
		int n = set->n - start < batch ? set->n - start : batch;
		float l;
		mlp_forward(n, set->x[start], set->y + start, w1, b1, w2, b2, &l, logits, ws);
		sum += (double)l * n;
		for (int i = 0; i < n; i++)
			correct += argmax(logits + i * DIGITS_CLASSES, DIGITS_CLASSES) == set->y[start + i];
	}
	*loss = sum / set->n;
	return correct;
}

int main(int argc, char **argv)
{
	train_options opt = { .batch = 32, .epochs = 30, .lr = 0.5, .lr_end = 0.01, .seed = 1 };
	int status = options_parse(&opt, argc, argv,
		"Trains a 2-layer perceptron (64-32-10, ReLU, softmax cross-entropy) on the 8x8\n"
		"handwritten digits with minibatch SGD, using the gradient morchgen generated.");
	if (status >= 0)
		return status;

	digits_split(&train, &heldout);
	rng_state rng = rng_seed(opt.seed);
	init_uniform(&rng, w1, DIGITS_FEATURES * HIDDEN, DIGITS_FEATURES);
	init_uniform(&rng, w2, HIDDEN * DIGITS_CLASSES, HIDDEN);
	/* biases start at zero (static) */

	/* One workspace, sized for the largest batch; smaller batches fit in it. */
	void *ws = morch_alloc(mlp_workspace_bytes(opt.batch));
	float *xb = malloc(sizeof *xb * opt.batch * DIGITS_FEATURES);
	int32_t *yb = malloc(sizeof *yb * opt.batch);
	float *logits = malloc(sizeof *logits * opt.batch * DIGITS_CLASSES);
	int order[DIGITS_TRAIN];
	if (!ws || !xb || !yb || !logits) {
		fprintf(stderr, "mlp: out of memory\n");
		return 1;
	}
	for (int i = 0; i < train.n; i++)
		order[i] = i;

	printf("mlp: %d training rows, %d held out; batch %d, %d epochs, lr %g -> %g, seed %llu\n",
	       train.n, heldout.n, opt.batch, opt.epochs, opt.lr, opt.lr_end, (unsigned long long)opt.seed);
	double t0 = stopwatch_now(), reached_time = -1;
	int reached_epoch = -1;
	for (int epoch = 1; epoch <= opt.epochs; epoch++) {
		double frac = opt.epochs > 1 ? (double)(epoch - 1) / (opt.epochs - 1) : 0;
		float lr = (float)(opt.lr + (opt.lr_end - opt.lr) * frac);
		double train_loss = 0;
		rng_shuffle(&rng, order, train.n);
		for (int start = 0; start < train.n; start += opt.batch) {
			int n = train.n - start < opt.batch ? train.n - start : opt.batch;
			for (int i = 0; i < n; i++) {
				int row = order[start + i];
				for (int j = 0; j < DIGITS_FEATURES; j++)
					xb[i * DIGITS_FEATURES + j] = train.x[row][j];
				yb[i] = train.y[row];
			}
			float loss;
			mlp_grad(n, xb, yb, w1, b1, w2, b2, &loss, logits, d_w1, d_b1, d_w2, d_b2, ws);
			train_loss += (double)loss * n;
			sgd_step(w1, d_w1, DIGITS_FEATURES * HIDDEN, lr);
			sgd_step(b1, d_b1, HIDDEN, lr);
			sgd_step(w2, d_w2, HIDDEN * DIGITS_CLASSES, lr);
			sgd_step(b2, d_b2, DIGITS_CLASSES, lr);
		}
		double heldout_loss;
		int correct = evaluate(&heldout, opt.batch, logits, ws, &heldout_loss);
		double elapsed = stopwatch_now() - t0;
		printf("epoch %3d  lr %.4f  train loss %.4f  held-out loss %.4f  accuracy %6.2f%%  %.3f s\n",
		       epoch, lr, train_loss / train.n, heldout_loss, 100.0 * correct / heldout.n, elapsed);
		if (reached_epoch < 0 && correct >= TARGET * heldout.n) {
			reached_epoch = epoch;
			reached_time = elapsed;
		}
	}
	double train_time = stopwatch_now() - t0;

	double heldout_loss;
	int correct = evaluate(&heldout, opt.batch, logits, ws, &heldout_loss);
	printf("held-out accuracy: %.2f%% (%d/%d)\n", 100.0 * correct / heldout.n, correct, heldout.n);
	printf("training time: %.3f s (%d epochs, per-epoch evaluation included)\n", train_time, opt.epochs);
	if (reached_epoch > 0)
		printf("first reached %.0f%% held-out after epoch %d, %.3f s\n", 100 * TARGET, reached_epoch, reached_time);
	else
		printf("never reached %.0f%% held-out\n", 100 * TARGET);

	free(logits);
	free(yb);
	free(xb);
	morch_free(ws);
	return 0;
}
