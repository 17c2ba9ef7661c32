/* parser.y: the .morch grammar. Builds the AST; all checking beyond syntax is in build.c. */
%code requires {
#include "ast.h"
#define MORCH_YYLTYPE Loc
#define MORCH_YYLTYPE_IS_DECLARED 1
#define MORCH_YYLTYPE_IS_TRIVIAL 1
typedef void *yyscan_t;
typedef struct NumTok { const char *text; bool is_int; } NumTok;
/* The parse: its result, and how deeply the expression being read nests (see nest()). */
typedef struct Parse { GraphAst *graphs; int nest; } Parse;
}

%code {
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "diag.h"
#include "util.h"

int morch_yylex(YYSTYPE *lval, Loc *loc, yyscan_t scanner);
int morch_yylex_init(yyscan_t *scanner);
int morch_yylex_destroy(yyscan_t scanner);
struct yy_buffer_state *morch_yy_scan_bytes(const char *bytes, int len, yyscan_t scanner);
static void morch_yyerror(Loc *loc, yyscan_t scanner, Parse *p, const char *msg);
static bool nest(Parse *p, Loc at);
static Expr *expr_new(ExprKind kind, Loc loc);
static Expr *binary(BinOp op, Expr *l, Expr *r, Loc loc);
static Expr *number(NumTok t, Loc loc);
static DimAst *dim_new(const char *name, NumTok t, Loc loc);
static Stmt *stmt_new(StmtKind kind, Loc loc);
static NameList *name_new(const char *name, Loc loc);
static GraphAst *reverse_graphs(GraphAst *g);
static Stmt *reverse_stmts(Stmt *s);
static NameList *reverse_names(NameList *n);
static DimAst *reverse_dims(DimAst *d);
static CallArg *reverse_args(CallArg *a);
static CallArg *arg_new(const char *kw, Loc loc, Expr *value);

/* Opens one level of nesting; past the limit, stops the parse (one error, no cascade). */
#define NEST(at) do { if (!nest(p, at)) YYABORT; } while (0)
}

%define api.pure full
%define api.prefix {morch_yy}
/* custom: keywords and operators are quoted in messages ('output', not output); lac: the
 * expected tokens listed are exactly those the grammar allows there. */
%define parse.error custom
%define parse.lac full
%locations
%initial-action {
	@$.first_line = @$.last_line = 1;
	@$.first_column = @$.last_column = 1;
}
%expect 0
%param {yyscan_t scanner}
%parse-param {Parse *p}

%union {
	const char *str;
	NumTok num;
	Expr *expr;
	CallArg *arg;
	DimAst *dim;
	NameList *names;
	Stmt *stmt;
	GraphAst *graph;
}

%token GRAPH "graph" INPUT "input" PARAM "param" OUTPUT "output" GRAD "grad" WRT "wrt"
%token POW "**"
%token <str> IDENT "identifier"
%token <num> NUMBER "number"

%type <graph> graphs graph
%type <str> opt_type
%type <stmt> stmts stmt decl
%type <dim> opt_dims dims dim
%type <names> names
%type <expr> expr term unary power primary
%type <arg> args arg list_items

%%

file: graphs { p->graphs = reverse_graphs($1); }
    ;

/* Lists are built left-recursively (the parser stack stays flat on long files and long lists),
 * newest first, and put in order once complete. */
graphs: graph         { $$ = $1; }
      | graphs graph  { if ($2) { $2->next = $1; $$ = $2; } else $$ = $1; }
      ;

graph: GRAPH IDENT opt_type '{' stmts '}' {
		$$ = arena_alloc(sizeof *$$);
		$$->name = $2;
		$$->loc = @2;
		$$->type = $3;
		$$->type_loc = @3;
		$$->stmts = reverse_stmts($5);
		$$->end_loc = @6;
	}
     | error '}' { $$ = NULL; p->nest = 0; yyerrok; }
     ;

opt_type: %empty      { $$ = NULL; }
        | ':' IDENT   { $$ = $2; @$ = @2; }
        ;

stmts: %empty        { $$ = NULL; }
     | stmts stmt    { if ($2) { $2->next = $1; $$ = $2; } else $$ = $1; }
     ;

stmt: INPUT decl ';'              { $$ = $2; $$->kind = S_INPUT; $$->loc = @1; }
    | PARAM decl ';'              { $$ = $2; $$->kind = S_PARAM; $$->loc = @1; }
    | IDENT '=' expr ';'          {
		$$ = stmt_new(S_LET, @1);
		$$->name = $1;
		$$->name_loc = @1;
		$$->expr = $3;
	}
    | OUTPUT names ';'            { $$ = stmt_new(S_OUTPUT, @1); $$->names = reverse_names($2); }
    | GRAD IDENT WRT names ';'    {
		$$ = stmt_new(S_GRAD, @1);
		$$->name = $2;
		$$->name_loc = @2;
		$$->names = reverse_names($4);
	}
    | error ';'                   { $$ = NULL; p->nest = 0; yyerrok; }
    ;

decl: IDENT opt_dims {
		$$ = stmt_new(S_INPUT, @1);
		$$->name = $1;
		$$->name_loc = @1;
		$$->dims = $2;
	}
    | IDENT ':' IDENT opt_dims {
		$$ = stmt_new(S_INPUT, @1);
		$$->name = $1;
		$$->name_loc = @1;
		$$->type = $3;
		$$->type_loc = @3;
		$$->dims = $4;
	}
    ;

opt_dims: %empty         { $$ = NULL; }
        | '[' ']'        { $$ = NULL; }
        | '[' dims ']'   { $$ = reverse_dims($2); }
        ;

dims: dim            { $$ = $1; }
    | dims ',' dim   { $3->next = $1; $$ = $3; }
    ;

dim: NUMBER          { $$ = dim_new(NULL, $1, @1); }
   | IDENT           { NumTok t = { "0", true }; $$ = dim_new($1, t, @1); }
   | '-' NUMBER      { $$ = dim_new(NULL, $2, @1); $$->value = -$$->value; }
   ;

names: IDENT            { $$ = name_new($1, @1); }
     | names ',' IDENT  { $$ = name_new($3, @3); $$->next = $1; }
     ;

/* Python's precedence: + - < * / @ < unary - < ** (right-associative, takes a unary on its right) */
expr: term               { $$ = $1; }
    | expr '+' term      { $$ = binary(B_ADD, $1, $3, @2); }
    | expr '-' term      { $$ = binary(B_SUB, $1, $3, @2); }
    ;

term: unary              { $$ = $1; }
    | term '*' unary     { $$ = binary(B_MUL, $1, $3, @2); }
    | term '/' unary     { $$ = binary(B_DIV, $1, $3, @2); }
    | term '@' unary     { $$ = binary(B_MATMUL, $1, $3, @2); }
    ;

/* Each construct that nests (a unary minus, the right operand of **, parentheses, a call's
 * arguments, a list) opens a level with NEST in a mid-rule action and closes it when reduced.
 * The chains of + - * / @ are left-recursive and nest nothing, however long. */
unary: power                 { $$ = $1; }
     | '-' { NEST(@1); } unary {
		p->nest--;
		$$ = expr_new(E_NEG, @1);
		$$->lhs = $3;
	}
     ;

power: primary                        { $$ = $1; }
     | primary POW { NEST(@2); } unary { p->nest--; $$ = binary(B_POW, $1, $4, @2); }
     ;

primary: NUMBER                  { $$ = number($1, @1); }
       | IDENT                   { $$ = expr_new(E_NAME, @1); $$->name = $1; }
       | IDENT '(' ')'           { $$ = expr_new(E_CALL, @1); $$->name = $1; }
       | IDENT '(' { NEST(@1); } args ')' {
		p->nest--;
		$$ = expr_new(E_CALL, @1);
		$$->name = $1;
		$$->args = reverse_args($4);
	}
       | GRAD '(' { NEST(@1); } args ')' {
		p->nest--;
		$$ = expr_new(E_CALL, @1);
		$$->name = "grad";
		$$->args = reverse_args($4);
	}
       | '(' { NEST(@1); } expr ')'        { p->nest--; $$ = $3; }
       | '[' { NEST(@1); } list_items ']'  {
		p->nest--;
		$$ = expr_new(E_LIST, @1);
		$$->args = reverse_args($3);
	}
       ;

args: arg                { $$ = $1; }
    | args ',' arg       { $3->next = $1; $$ = $3; }
    ;

arg: expr                { $$ = arg_new(NULL, $1->loc, $1); }
   | IDENT '=' expr      { $$ = arg_new($1, @1, $3); }
   ;

list_items: expr                 { $$ = arg_new(NULL, $1->loc, $1); }
          | list_items ',' expr  { $$ = arg_new(NULL, $3->loc, $3); $$->next = $1; }
          ;

%%

static void morch_yyerror(Loc *loc, yyscan_t scanner, Parse *p, const char *msg)
{
	(void)scanner;
	(void)p;
	/* bison's only other message: its stack is full. nest() stops the parse long before
	 * that (each level takes a few entries of bison's 10000), so this is a safety net. */
	if (strcmp(msg, "memory exhausted") == 0)
		msg = "expression nested too deeply";
	error_at(*loc, "%s", msg);
}

static bool nest(Parse *p, Loc at)
{
	if (++p->nest <= MAX_NEST)
		return true;
	error_at(at, "expression nested too deeply (the limit is %d levels)", MAX_NEST);
	return false;
}

/* A token as messages name it: kinds of token bare (identifier, number, end of file), keywords
 * and operators in single quotes. */
static const char *token_name(yysymbol_kind_t t)
{
	const char *s = yysymbol_name(t);
	if (s[0] == '\'' || t == YYSYMBOL_IDENT || t == YYSYMBOL_NUMBER || t == YYSYMBOL_YYEOF ||
	    t == YYSYMBOL_YYUNDEF)
		return s;
	return arena_printf("'%s'", s);
}

/* bison's verbose message, with token_name: at most 4 expected tokens are listed. */
static int yyreport_syntax_error(const yypcontext_t *ctx, yyscan_t scanner, Parse *p)
{
	enum { MAX_EXPECTED = 4 };
	(void)scanner;
	(void)p;
	yysymbol_kind_t expected[MAX_EXPECTED];
	int n = yypcontext_expected_tokens(ctx, expected, MAX_EXPECTED);
	if (n < 0)
		return n;
	yysymbol_kind_t t = yypcontext_token(ctx);
	if (t == YYSYMBOL_YYEMPTY) {
		error_at(*yypcontext_location(ctx), "syntax error");
		return 0;
	}
	char *msg = arena_printf("syntax error, unexpected %s", token_name(t));
	for (int i = 0; i < n; i++)
		msg = arena_printf("%s%s%s", msg, i ? " or " : ", expecting ", token_name(expected[i]));
	error_at(*yypcontext_location(ctx), "%s", msg);
	return 0;
}

static Expr *expr_new(ExprKind kind, Loc loc)
{
	Expr *e = arena_alloc(sizeof *e);
	e->kind = kind;
	e->loc = loc;
	return e;
}

static Expr *binary(BinOp op, Expr *l, Expr *r, Loc loc)
{
	Expr *e = expr_new(E_BIN, loc);
	e->op = op;
	e->lhs = l;
	e->rhs = r;
	return e;
}

/* A number as a message quotes it: a long one shortened, with its length. */
static const char *shown(const char *text)
{
	size_t n = strlen(text);
	if (n <= MAX_QUOTE)
		return text;
	return arena_printf("%.*s... (%zu characters)", MAX_QUOTE, text, n);
}

static Expr *number(NumTok t, Loc loc)
{
	Expr *e = expr_new(E_NUM, loc);
	errno = 0;
	e->num = strtod(t.text, NULL);
	if (errno == ERANGE && (e->num > 1 || e->num < -1))
		error_at(loc, "number '%s' is out of range", shown(t.text));
	e->is_int = t.is_int;
	if (t.is_int) {
		errno = 0;
		long long v = strtoll(t.text, NULL, 10);
		e->ival = errno == ERANGE ? INT64_MAX : v;
	}
	return e;
}

static DimAst *dim_new(const char *name, NumTok t, Loc loc)
{
	DimAst *d = arena_alloc(sizeof *d);
	d->name = name;
	d->loc = loc;
	if (!name) {
		if (!t.is_int) {
			error_at(loc, "dimension '%s' is not an integer", shown(t.text));
			d->value = 1;
		} else {
			errno = 0;
			long long v = strtoll(t.text, NULL, 10);
			if (errno == ERANGE || v > (1LL << 40)) {
				error_at(loc, "dimension '%s' is too large", shown(t.text));
				v = 1;
			}
			d->value = v;
		}
	}
	return d;
}

static Stmt *stmt_new(StmtKind kind, Loc loc)
{
	Stmt *s = arena_alloc(sizeof *s);
	s->kind = kind;
	s->loc = loc;
	return s;
}

static NameList *name_new(const char *name, Loc loc)
{
	NameList *n = arena_alloc(sizeof *n);
	n->name = name;
	n->loc = loc;
	return n;
}

static GraphAst *reverse_graphs(GraphAst *g)
{
	GraphAst *r = NULL;
	while (g) {
		GraphAst *next = g->next;
		g->next = r;
		r = g;
		g = next;
	}
	return r;
}

static Stmt *reverse_stmts(Stmt *s)
{
	Stmt *r = NULL;
	while (s) {
		Stmt *next = s->next;
		s->next = r;
		r = s;
		s = next;
	}
	return r;
}

static CallArg *arg_new(const char *kw, Loc loc, Expr *value)
{
	CallArg *a = arena_alloc(sizeof *a);
	a->kw = kw;
	a->loc = loc;
	a->value = value;
	return a;
}

static DimAst *reverse_dims(DimAst *d)
{
	DimAst *r = NULL;
	while (d) {
		DimAst *next = d->next;
		d->next = r;
		r = d;
		d = next;
	}
	return r;
}

static CallArg *reverse_args(CallArg *a)
{
	CallArg *r = NULL;
	while (a) {
		CallArg *next = a->next;
		a->next = r;
		r = a;
		a = next;
	}
	return r;
}

static NameList *reverse_names(NameList *n)
{
	NameList *r = NULL;
	while (n) {
		NameList *next = n->next;
		n->next = r;
		r = n;
		n = next;
	}
	return r;
}

GraphAst *parse_source(const char *text, size_t len)
{
	yyscan_t scanner;
	Parse p = { NULL, 0 };
	if (morch_yylex_init(&scanner))
		unreachable("cannot start the lexer");
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) { /* a UTF-8 byte order mark */
		text += 3;
		len -= 3;
	}
	if (len > MAX_SOURCE_BYTES)
		unreachable("source larger than MAX_SOURCE_BYTES"); /* read_all refuses such files */
	morch_yy_scan_bytes(text, (int)len, scanner);
	morch_yyparse(scanner, &p);
	morch_yylex_destroy(scanner);
	return p.graphs;
}
