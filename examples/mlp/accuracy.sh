# accuracy.sh: the MLP example must learn the digits: at least 95% held-out accuracy with its
# default settings and with a batch size that leaves a short last batch (1500 = 214 * 7 + 2).
# Untrained (0 epochs) it must be near chance, which shows the accuracy it prints can fail.
. "$top_srcdir/examples/data/expect-accuracy.sh" || exit 99
mlp=$top_builddir/examples/mlp/mlp

expect_accuracy 95 100 "$mlp" --batch 32 --epochs 30 --lr 0.5 --lr-end 0.01 --seed 1
expect_accuracy 95 100 "$mlp" --batch 7 --epochs 20 --lr 0.1 --lr-end 0.005 --seed 2
expect_accuracy 0 30 "$mlp" --epochs 0 --seed 1
expect_options "$mlp"
