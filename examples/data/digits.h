/* digits.h: the 1,797 8x8 handwritten digits (digits.csv.gz, see README.md), built into the
 * program, and the fixed train / held-out split both examples use. */
#ifndef DIGITS_H
#define DIGITS_H

#include <stdint.h>

#define DIGITS_ROWS 1797
#define DIGITS_FEATURES 64 /* 8x8 pixels, each 0..16 */
#define DIGITS_CLASSES 10
#define DIGITS_HELDOUT 297
#define DIGITS_TRAIN (DIGITS_ROWS - DIGITS_HELDOUT)

/* Rows of pixels scaled to [0, 1] and their labels 0..9. */
typedef struct digits_set {
	int n;
	float x[DIGITS_ROWS][DIGITS_FEATURES];
	int32_t y[DIGITS_ROWS];
} digits_set;

/* Fills train (1,500 rows) and heldout (297 rows). The split is a shuffle with a fixed seed,
 * the same in every run and independent of the training seed: the file is ordered by writer,
 * so its last rows alone would measure other writers' hands rather than held-out digits. */
void digits_split(digits_set *train, digits_set *heldout);

#endif
