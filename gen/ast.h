/* ast.h: the parse tree, as written. build.c turns it into IR and does all the checking. */
#ifndef MORCH_AST_H
#define MORCH_AST_H

#include <stdbool.h>
#include <stdint.h>

#include "ir.h"

typedef enum ExprKind {
	E_NUM,  /* number literal */
	E_NAME, /* a defined name, or true/false as a keyword value */
	E_NEG,  /* -lhs */
	E_BIN,  /* lhs op rhs */
	E_CALL, /* name(args) */
	E_LIST  /* [items]: reshape's shape */
} ExprKind;

typedef enum BinOp { B_ADD, B_SUB, B_MUL, B_DIV, B_MATMUL, B_POW } BinOp;

typedef struct Expr Expr;

/* One argument of a call; kw is NULL for a positional one. Also the items of a list. */
typedef struct CallArg {
	const char *kw;
	Loc loc;
	Expr *value;
	struct CallArg *next;
} CallArg;

struct Expr {
	ExprKind kind;
	Loc loc;
	double num;
	bool is_int; /* E_NUM written without '.' or exponent */
	int64_t ival;
	const char *name;
	BinOp op;
	Expr *lhs, *rhs;
	CallArg *args;
};

typedef struct DimAst {
	const char *name; /* a size name, or NULL for an integer */
	int64_t value;
	Loc loc;
	struct DimAst *next;
} DimAst;

typedef struct NameList {
	const char *name;
	Loc loc;
	struct NameList *next;
} NameList;

typedef enum StmtKind { S_INPUT, S_PARAM, S_LET, S_OUTPUT, S_GRAD } StmtKind;

typedef struct Stmt {
	StmtKind kind;
	Loc loc;
	const char *name; /* declared or defined name; the target of grad */
	Loc name_loc;
	const char *type; /* `: i32` on a declaration, or NULL */
	Loc type_loc;
	DimAst *dims;
	Expr *expr;
	NameList *names; /* output list, wrt list */
	struct Stmt *next;
} Stmt;

typedef struct GraphAst {
	const char *name;
	Loc loc;
	const char *type; /* f32, f64 or NULL */
	Loc type_loc;
	Stmt *stmts;
	Loc end_loc; /* the closing brace */
	struct GraphAst *next;
} GraphAst;

/* parse.c glue: parses a whole file; errors go through diag. */
GraphAst *parse_source(const char *text, size_t len);

/* build.c: AST to IR, with name and shape checks; returns NULL when it reported errors. */
Module *build_module(GraphAst *graphs);

#endif
