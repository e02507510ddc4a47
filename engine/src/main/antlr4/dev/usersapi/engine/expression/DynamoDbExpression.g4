/*
 * DynamoDB's expression language, one grammar for its five kinds: condition (and filter),
 * key condition, projection and update expressions, as the developer guide defines them
 * ("Condition and filter expressions, operators, and functions"; "Update expressions";
 * "Projection expressions"). Precedence, highest first: comparators, BETWEEN, IN, functions,
 * parentheses, NOT, AND, OR. What the syntax allows but DynamoDB refuses (a key condition with
 * OR, a function unknown to a clause, reserved words) is checked on the parse tree.
 */
grammar DynamoDbExpression;

conditionExpression : condition EOF ;
projectionExpression : path (COMMA path)* EOF ;
updateExpression : updateClause+ EOF ;

condition
    : operand comparator operand                                # comparison
    | operand BETWEEN operand AND operand                       # between
    | operand IN LPAREN operand (COMMA operand)* RPAREN         # membership
    | functionCall                                              # functionCondition
    | LPAREN condition RPAREN                                   # parenthesized
    | NOT condition                                             # negation
    | condition AND condition                                   # conjunction
    | condition OR condition                                    # disjunction
    ;

comparator : EQ | NE | LT | LE | GT | GE ;

// An operand may be put in one pair of parentheses ("(size(b)) = :b"); a second is redundant (checked on the tree).
operand
    : functionCall                                              # functionOperand
    | path                                                      # pathOperand
    | VALUE                                                     # valueOperand
    | LPAREN operand RPAREN                                     # parenthesizedOperand
    ;

functionCall : IDENTIFIER LPAREN operand (COMMA operand)* RPAREN ;

path : pathHead pathSelector* ;
pathHead : IDENTIFIER | NAME ;
pathSelector
    : DOT (IDENTIFIER | NAME)                                   # member
    | LBRACK INDEX RBRACK                                       # element
    ;

updateClause
    : SET setAction (COMMA setAction)*                          # setClause
    | REMOVE path (COMMA path)*                                 # removeClause
    | ADD path VALUE (COMMA path VALUE)*                        # addClause
    | DELETE path VALUE (COMMA path VALUE)*                     # deleteClause
    ;

// A value, and each operand of it, may be put in one pair of parentheses ("SET b.c = ((c[1]) + (b.a))"),
// as DynamoDB reads them (dynalite's suite records it: updateItem, "should update nested attributes").
setAction : path EQ (LPAREN setValue RPAREN | setValue) ;
setValue
    : setOperand PLUS setOperand                                # sum
    | setOperand MINUS setOperand                               # difference
    | setOperand                                                # single
    ;
setOperand : LPAREN setTerm RPAREN | setTerm ;
setTerm
    : functionCall                                              # setFunction
    | path                                                      # setPath
    | VALUE                                                     # setLiteral
    ;

// Keywords are case-insensitive, as DynamoDB reads them.
AND : [aA][nN][dD] ;
OR : [oO][rR] ;
NOT : [nN][oO][tT] ;
BETWEEN : [bB][eE][tT][wW][eE][eE][nN] ;
IN : [iI][nN] ;
SET : [sS][eE][tT] ;
REMOVE : [rR][eE][mM][oO][vV][eE] ;
ADD : [aA][dD][dD] ;
DELETE : [dD][eE][lL][eE][tT][eE] ;

EQ : '=' ;
NE : '<>' ;
LE : '<=' ;
GE : '>=' ;
LT : '<' ;
GT : '>' ;
PLUS : '+' ;
MINUS : '-' ;
LPAREN : '(' ;
RPAREN : ')' ;
LBRACK : '[' ;
RBRACK : ']' ;
COMMA : ',' ;
DOT : '.' ;

NAME : '#' [a-zA-Z0-9_]+ ;
VALUE : ':' [a-zA-Z0-9_]+ ;
INDEX : [0-9]+ ;
IDENTIFIER : [a-zA-Z_] [a-zA-Z0-9_]* ;
WHITESPACE : [ \t\r\n]+ -> skip ;
UNEXPECTED : . ;
