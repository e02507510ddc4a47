package dev.usersapi.engine.expression;

import dev.usersapi.engine.expression.DynamoDbExpressionParser.BetweenContext;
import dev.usersapi.engine.expression.DynamoDbExpressionParser.ComparisonContext;
import dev.usersapi.engine.expression.DynamoDbExpressionParser.ConjunctionContext;
import dev.usersapi.engine.expression.DynamoDbExpressionParser.DisjunctionContext;
import dev.usersapi.engine.expression.DynamoDbExpressionParser.FunctionCallContext;
import dev.usersapi.engine.expression.DynamoDbExpressionParser.FunctionConditionContext;
import dev.usersapi.engine.expression.DynamoDbExpressionParser.MembershipContext;
import dev.usersapi.engine.expression.DynamoDbExpressionParser.NegationContext;
import dev.usersapi.engine.expression.DynamoDbExpressionParser.OperandContext;
import dev.usersapi.engine.expression.DynamoDbExpressionParser.ParenthesizedContext;
import dev.usersapi.engine.value.Value;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.tree.TerminalNode;

/**
 * Parses DynamoDB expressions with the generated grammar and checks what the grammar cannot:
 * reserved words, placeholders, which functions a clause allows and with how many operands,
 * and the update rules on repeated clauses and overlapping paths.
 */
public final class Expressions {
    private static final Set<String> RESERVED = reservedWords();
    private static final Set<String> CONDITION_FUNCTIONS = Set.of("attribute_exists", "attribute_not_exists", "attribute_type",
            "begins_with", "contains");
    private static final Set<String> ALL_FUNCTIONS = Set.of("attribute_exists", "attribute_not_exists", "attribute_type",
            "begins_with", "contains", "size", "if_not_exists", "list_append");

    private static final String SIZE_OPERAND_TYPE = "Incorrect operand type for operator or function; operator or function: size, operand type: ";

    private Expressions() {}

    /** {@code kind} names the request parameter in messages: ConditionExpression, FilterExpression, KeyConditionExpression. */
    public static Condition condition(String text, String kind, Placeholders placeholders) {
        var parser = parser(text, kind);
        var tree = parser.conditionExpression().condition();
        precheck(tree, kind);
        return new Builder(kind, placeholders).condition(tree);
    }

    /**
     * The faults DynamoDB finds in a whole condition before any other, in its order (dynalite's
     * suite records it): redundant parentheses, an unknown function, a function where it may not
     * be used, a reserved word; then the rest, as the condition is built, left to right.
     */
    private static void precheck(DynamoDbExpressionParser.ConditionContext tree, String kind) {
        String[] first = new String[4];
        precheck(tree, first);
        for (String fault : first) {
            if (fault != null) {
                throw new ExpressionException("Invalid " + kind + ": " + fault);
            }
        }
    }

    private static void precheck(org.antlr.v4.runtime.tree.ParseTree tree, String[] first) {
        if (tree instanceof ParenthesizedContext parenthesized && parenthesized.condition() instanceof ParenthesizedContext
                || tree instanceof DynamoDbExpressionParser.ParenthesizedOperandContext operand
                && operand.operand() instanceof DynamoDbExpressionParser.ParenthesizedOperandContext) {
            note(first, 0, "The expression has redundant parentheses;");
        }
        if (tree instanceof FunctionCallContext call) {
            String name = call.IDENTIFIER().getText();
            if (!ALL_FUNCTIONS.contains(name)) {
                note(first, 1, "Invalid function name; function: " + name);
            }
            boolean asCondition = call.getParent() instanceof FunctionConditionContext;
            if (ALL_FUNCTIONS.contains(name) && (asCondition ? !CONDITION_FUNCTIONS.contains(name) : !name.equals("size"))) {
                note(first, 2, "The function is not allowed to be used this way in an expression; function: " + name);
            }
        }
        if (tree instanceof DynamoDbExpressionParser.PathContext path) {
            reservedIn(path, first);
        }
        for (int i = 0; i < tree.getChildCount(); i++) {
            precheck(tree.getChild(i), first);
        }
    }

    private static void reservedIn(DynamoDbExpressionParser.PathContext path, String[] first) {
        List<Token> names = new ArrayList<>(List.of(path.pathHead().getStart()));
        path.pathSelector().forEach(selector -> {
            if (selector instanceof DynamoDbExpressionParser.MemberContext member) {
                names.add(member.getStop());
            }
        });
        names.stream().map(Token::getText).filter(name -> !name.startsWith("#") && RESERVED.contains(name.toUpperCase(Locale.ROOT)))
                .findFirst().ifPresent(name -> note(first, 3, "Attribute name is a reserved keyword; reserved keyword: " + name));
    }

    private static void unknownFunctions(org.antlr.v4.runtime.tree.ParseTree tree, String[] first) {
        if (tree instanceof FunctionCallContext call && !ALL_FUNCTIONS.contains(call.IDENTIFIER().getText())) {
            note(first, 1, "Invalid function name; function: " + call.IDENTIFIER().getText());
        }
        for (int i = 0; i < tree.getChildCount(); i++) {
            unknownFunctions(tree.getChild(i), first);
        }
    }

    private static void note(String[] first, int category, String fault) {
        if (first[category] == null) {
            first[category] = fault;
        }
    }

    public static List<Path> projection(String text, Placeholders placeholders) {
        String kind = "ProjectionExpression";
        var parser = parser(text, kind);
        var tree = parser.projectionExpression();
        // DynamoDB's order (dynalite's suite records it): reserved words, placeholders, overlapping paths, conflicting paths.
        reservedWords(tree, kind);
        Builder builder = new Builder(kind, placeholders);
        List<Path> paths = new ArrayList<>();
        tree.path().forEach(path -> paths.add(builder.path(path)));
        checkPaths(kind, paths);
        return paths;
    }

    private static void reservedWords(org.antlr.v4.runtime.tree.ParseTree tree, String kind) {
        String[] first = new String[4];
        reservedWords(tree, first);
        if (first[3] != null) {
            throw new ExpressionException("Invalid " + kind + ": " + first[3]);
        }
    }

    private static void reservedWords(org.antlr.v4.runtime.tree.ParseTree tree, String[] first) {
        if (tree instanceof DynamoDbExpressionParser.PathContext path) {
            reservedIn(path, first);
        }
        for (int i = 0; i < tree.getChildCount(); i++) {
            reservedWords(tree.getChild(i), first);
        }
    }

    /** Overlapping paths, then conflicting ones, each over every pair (DynamoDB's order). */
    private static void checkPaths(String kind, List<Path> paths) {
        for (int i = 0; i < paths.size(); i++) {
            for (int j = i + 1; j < paths.size(); j++) {
                if (paths.get(i).overlaps(paths.get(j))) {
                    throw overlap(kind, paths.get(i), paths.get(j));
                }
            }
        }
        for (int i = 0; i < paths.size(); i++) {
            for (int j = i + 1; j < paths.size(); j++) {
                if (paths.get(i).conflicts(paths.get(j))) {
                    throw new ExpressionException("Invalid " + kind + ": Two document paths conflict with each other; must remove or rewrite one of these paths; path one: "
                            + paths.get(i).describe() + ", path two: " + paths.get(j).describe());
                }
            }
        }
    }

    public static Update update(String text, Placeholders placeholders) {
        String kind = "UpdateExpression";
        var parser = parser(text, kind);
        var tree = parser.updateExpression();
        // DynamoDB's order (dynalite's suite records it): reserved words, unknown functions, a repeated section, undefined
        // names, undefined values, overlapping paths, conflicting paths, ADD's and DELETE's operands, then the functions'.
        String[] first = new String[4];
        reservedWords(tree, first);
        unknownFunctions(tree, first);
        if (first[3] != null) {
            throw new ExpressionException("Invalid " + kind + ": " + first[3]);
        }
        if (first[1] != null) {
            throw new ExpressionException("Invalid " + kind + ": " + first[1]);
        }
        Set<String> clauses = new HashSet<>();
        for (var clause : tree.updateClause()) {
            String keyword = clause.getStart().getText().toUpperCase(Locale.ROOT);
            if (!clauses.add(keyword)) {
                throw new ExpressionException("Invalid " + kind + ": The \"" + keyword + "\" section can only be used once in an update expression;");
            }
        }
        Builder builder = new Builder(kind, placeholders);
        builder.placeholdersIn(tree, DynamoDbExpressionParser.NAME);
        builder.placeholdersIn(tree, DynamoDbExpressionParser.VALUE);
        List<Path> written = new ArrayList<>();
        for (var clause : tree.updateClause()) {
            if (clause instanceof DynamoDbExpressionParser.SetClauseContext set) {
                set.setAction().forEach(action -> written.add(builder.path(action.path())));
            } else if (clause instanceof DynamoDbExpressionParser.RemoveClauseContext remove) {
                remove.path().forEach(path -> written.add(builder.path(path)));
            } else if (clause instanceof DynamoDbExpressionParser.AddClauseContext add) {
                add.path().forEach(path -> written.add(builder.path(path)));
            } else if (clause instanceof DynamoDbExpressionParser.DeleteClauseContext delete) {
                delete.path().forEach(path -> written.add(builder.path(path)));
            }
        }
        checkPaths(kind, written);
        for (var clause : tree.updateClause()) {
            if (clause instanceof DynamoDbExpressionParser.AddClauseContext add) {
                add.VALUE().forEach(value -> operandOf(kind, "ADD", builder.value(value), true));
            } else if (clause instanceof DynamoDbExpressionParser.DeleteClauseContext delete) {
                delete.VALUE().forEach(value -> operandOf(kind, "DELETE", builder.value(value), false));
            }
        }
        List<Update.Action> actions = new ArrayList<>();
        for (var clause : tree.updateClause()) {
            if (clause instanceof DynamoDbExpressionParser.SetClauseContext set) {
                set.setAction().forEach(action -> actions.add(new Update.Set(builder.path(action.path()), builder.setValue(action.setValue()))));
            } else if (clause instanceof DynamoDbExpressionParser.RemoveClauseContext remove) {
                remove.path().forEach(path -> actions.add(new Update.Remove(builder.path(path))));
            } else if (clause instanceof DynamoDbExpressionParser.AddClauseContext add) {
                for (int i = 0; i < add.path().size(); i++) {
                    actions.add(new Update.Add(builder.path(add.path(i)), operandOf(kind, "ADD", builder.value(add.VALUE(i)), true)));
                }
            } else if (clause instanceof DynamoDbExpressionParser.DeleteClauseContext delete) {
                for (int i = 0; i < delete.path().size(); i++) {
                    actions.add(new Update.Delete(builder.path(delete.path(i)), operandOf(kind, "DELETE", builder.value(delete.VALUE(i)), false)));
                }
            }
        }
        return new Update(actions);
    }

    /** ADD takes a number or a set, DELETE a set: DynamoDB refuses any other literal before reading the item. */
    private static Value operandOf(String kind, String operator, Value value, boolean numbersAllowed) {
        boolean set = value instanceof Value.SS || value instanceof Value.NS || value instanceof Value.BS;
        if (set || numbersAllowed && value instanceof Value.N) {
            return value;
        }
        throw new ExpressionException("Invalid " + kind + ": Incorrect operand type for operator or function; operator: " + operator
                + ", operand type: " + typeName(value));
    }

    /** The type names DynamoDB's expression messages use. */
    static String typeName(Value value) {
        return switch (value.type()) {
            case "S" -> "STRING";
            case "N" -> "NUMBER";
            case "B" -> "BINARY";
            case "BOOL" -> "BOOLEAN";
            case "NULL" -> "NULL";
            case "L" -> "LIST";
            case "M" -> "MAP";
            case "SS" -> "STRING_SET";
            case "NS" -> "NUMBER_SET";
            default -> "BINARY_SET";
        };
    }

    private static ExpressionException overlap(String kind, Path first, Path second) {
        return new ExpressionException("Invalid " + kind + ": Two document paths overlap with each other; must remove or rewrite one of these paths; path one: "
                + first.describe() + ", path two: " + second.describe());
    }

    private static DynamoDbExpressionParser parser(String text, String kind) {
        if (text.isEmpty()) {
            throw new ExpressionException("Invalid " + kind + ": The expression can not be empty;");
        }
        var lexer = new DynamoDbExpressionLexer(CharStreams.fromString(text));
        lexer.removeErrorListeners();
        var tokens = new CommonTokenStream(lexer);
        var parser = new DynamoDbExpressionParser(tokens);
        parser.removeErrorListeners();
        parser.addErrorListener(new BaseErrorListener() {
            @Override
            public void syntaxError(Recognizer<?, ?> recognizer, Object offending, int line, int position, String message,
                                    RecognitionException cause) {
                Token token = (Token) offending;
                String shown = token.getType() == Token.EOF ? "<EOF>" : token.getText();
                int index = token.getTokenIndex();
                StringBuilder near = new StringBuilder();
                if (index > 0) {
                    near.append(tokens.get(index - 1).getText());
                }
                if (token.getType() != Token.EOF) {
                    near.append(near.length() > 0 ? " " : "").append(token.getText());
                }
                throw new ExpressionException("Invalid " + kind + ": Syntax error; token: \"" + shown + "\", near: \"" + near + "\"");
            }
        });
        return parser;
    }

    /** Builds the expression from the parse tree, resolving placeholders and checking each rule. */
    private static final class Builder {
        private final String kind;
        private final Placeholders placeholders;

        Builder(String kind, Placeholders placeholders) {
            this.kind = kind;
            this.placeholders = placeholders;
        }

        /** An operand out of its one pair of parentheses; two pairs are refused, as DynamoDB refuses them. */
        private OperandContext bare(OperandContext context) {
            if (context instanceof DynamoDbExpressionParser.ParenthesizedOperandContext parenthesized) {
                if (parenthesized.operand() instanceof DynamoDbExpressionParser.ParenthesizedOperandContext) {
                    throw new ExpressionException("Invalid " + kind + ": The expression has redundant parentheses;");
                }
                return parenthesized.operand();
            }
            return context;
        }

        /** DynamoDB refuses an operator whose first operand reappears among the others, as in {@code a = a}. */
        private void distinct(String operator, OperandContext written, List<OperandContext> others) {
            if (!(bare(written) instanceof DynamoDbExpressionParser.PathOperandContext first)) {
                return;
            }
            // Compared as the paths they name, placeholders resolved: "#a <> a" with #a for a repeats a.
            Path named = path(first.path());
            for (OperandContext other : others) {
                if (bare(other) instanceof DynamoDbExpressionParser.PathOperandContext path && path(path.path()).equals(named)) {
                    throw new ExpressionException("Invalid " + kind + ": The first operand must be distinct from the remaining operands for this operator or function; operator: "
                            + operator + ", first operand: " + named.describe());
                }
            }
        }

        Condition condition(DynamoDbExpressionParser.ConditionContext context) {
            if (context instanceof ComparisonContext comparison) {
                distinct(comparison.comparator().getText(), comparison.operand(0), List.of(comparison.operand(1)));
                return new Condition.Compare(comparator(comparison.comparator().getText()), operand(comparison.operand(0)),
                        operand(comparison.operand(1)));
            }
            if (context instanceof BetweenContext between) {
                Condition.Between built = new Condition.Between(operand(between.operand(0)), operand(between.operand(1)), operand(between.operand(2)));
                if (built.lower() instanceof Operand.Literal && built.upper() instanceof Operand.Literal) {
                    // Literal bounds are checked before any item is read, in the order the expression is written.
                    Evaluator.checkBounds(built, kind, java.util.Map.of());
                }
                return built;
            }
            if (context instanceof MembershipContext membership) {
                List<Operand> candidates = new ArrayList<>();
                for (int i = 1; i < membership.operand().size(); i++) {
                    candidates.add(operand(membership.operand(i)));
                }
                return new Condition.In(operand(membership.operand(0)), candidates);
            }
            if (context instanceof FunctionConditionContext function) {
                return conditionFunction(function.functionCall());
            }
            if (context instanceof ParenthesizedContext parenthesized) {
                if (parenthesized.condition() instanceof ParenthesizedContext) {
                    throw new ExpressionException("Invalid " + kind + ": The expression has redundant parentheses;");
                }
                return condition(parenthesized.condition());
            }
            if (context instanceof NegationContext negation) {
                if (negation.condition() instanceof NegationContext twice) {
                    // DynamoDB's grammar takes NOT before a comparison, a function or parentheses, never before another NOT.
                    throw new ExpressionException("Invalid " + kind + ": Syntax error; token: \"" + twice.NOT().getText() + "\", near: \""
                            + negation.NOT().getText() + " " + twice.NOT().getText() + "\"");
                }
                return new Condition.Not(condition(negation.condition()));
            }
            if (context instanceof ConjunctionContext conjunction) {
                return new Condition.And(condition(conjunction.condition(0)), condition(conjunction.condition(1)));
            }
            if (context instanceof DisjunctionContext disjunction) {
                return new Condition.Or(condition(disjunction.condition(0)), condition(disjunction.condition(1)));
            }
            throw new IllegalStateException(context.getClass().getName());
        }

        private Condition.Comparator comparator(String symbol) {
            for (Condition.Comparator comparator : Condition.Comparator.values()) {
                if (comparator.symbol.equals(symbol)) {
                    return comparator;
                }
            }
            throw new IllegalStateException(symbol);
        }

        private Condition conditionFunction(FunctionCallContext call) {
            String name = functionName(call);
            if (!CONDITION_FUNCTIONS.contains(name)) {
                throw new ExpressionException("Invalid " + kind + ": The function is not allowed to be used this way in an expression; function: " + name);
            }
            // DynamoDB's order (dynalite's suite records it): undefined placeholders anywhere in the call, the number of operands,
            // repeated operands, the function's own operands, then what is wrong inside them ("attribute_not_exists(size(:a))"
            // names attribute_not_exists).
            List<Operand> arguments = new ArrayList<>();
            ExpressionException inner = null;
            try {
                call.operand().forEach(argument -> arguments.add(operand(argument)));
            } catch (ExpressionException e) {
                inner = e;
                call.operand().forEach(argument -> placeholdersIn(argument));
            }
            int expected = name.startsWith("attribute_") && !name.equals("attribute_type") ? 1 : 2;
            if (call.operand().size() != expected) {
                throw operandCount(name, call.operand().size());
            }
            if (expected == 2) {
                distinct(name, call.operand(0), List.of(call.operand(1)));
            }
            if (inner != null && inner.getMessage().contains(SIZE_OPERAND_TYPE)) {
                throw inner;
            }
            // begins_with and contains read any operand; the others name an attribute.
            boolean readsValues = name.equals("begins_with") || name.equals("contains");
            if (!readsValues && !(bare(call.operand(0)) instanceof DynamoDbExpressionParser.PathOperandContext)) {
                throw new ExpressionException("Invalid " + kind + ": Operator or function requires a document path; operator or function: " + name);
            }
            if (inner != null) {
                throw inner;
            }
            if (name.equals("begins_with")) {
                for (Operand argument : arguments) {
                    String type = argument instanceof Operand.Literal literal ? literal.value().type() : argument instanceof Operand.Size ? "N" : "S";
                    if (!type.equals("S") && !type.equals("B")) {
                        throw new ExpressionException("Invalid " + kind + ": Incorrect operand type for operator or function; operator or function: "
                                + name + ", operand type: " + type);
                    }
                }
            }
            boolean wrongType = arguments.size() == 2 && arguments.get(1) instanceof Operand.Literal literal
                    && name.equals("attribute_type") && !(literal.value() instanceof Value.S);
            if (wrongType) {
                Operand.Literal literal = (Operand.Literal) arguments.get(1);
                throw new ExpressionException("Invalid " + kind + ": Incorrect operand type for operator or function; operator or function: "
                        + name + ", operand type: " + literal.value().type());
            }
            if (name.equals("attribute_type") && arguments.get(1) instanceof Operand.Literal literal && literal.value() instanceof Value.S typeName
                    && !Evaluator.TYPE_NAMES.contains(typeName.value())) {
                // Known before any item is read: refused at once, as DynamoDB refuses it.
                throw new ExpressionException("Invalid " + kind + ": Invalid attribute type name found; type: " + typeName.value()
                        + ", valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}");
            }
            if (name.equals("attribute_type") && !(arguments.get(1) instanceof Operand.Literal)) {
                // A path's type is not known before an item is read: DynamoDB names every type it might be (dynalite's suite records it).
                String type = arguments.get(1) instanceof Operand.Size ? "N" : "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}";
                throw new ExpressionException("Invalid " + kind + ": Incorrect operand type for operator or function; operator or function: "
                        + name + ", operand type: " + type);
            }
            return new Condition.Function(name, arguments);
        }

        /** Resolves every placeholder an operand names, so an undefined one is refused before anything else is. */
        private void placeholdersIn(org.antlr.v4.runtime.tree.ParseTree tree) {
            placeholdersIn(tree, -1);
        }

        /** As above, of one kind only ({@code type}: NAME or VALUE; -1 for both). */
        void placeholdersIn(org.antlr.v4.runtime.tree.ParseTree tree, int type) {
            if (tree instanceof TerminalNode terminal && (type == -1 || terminal.getSymbol().getType() == type)) {
                if (terminal.getSymbol().getType() == DynamoDbExpressionParser.VALUE) {
                    value(terminal);
                } else if (terminal.getSymbol().getType() == DynamoDbExpressionParser.NAME) {
                    name(terminal.getSymbol());
                }
            }
            for (int i = 0; i < tree.getChildCount(); i++) {
                placeholdersIn(tree.getChild(i), type);
            }
        }

        private ExpressionException operandCount(String name, int count) {
            return new ExpressionException("Invalid " + kind + ": Incorrect number of operands for operator or function; operator or function: "
                    + name + ", number of operands: " + count);
        }

        private String functionName(FunctionCallContext call) {
            String name = call.IDENTIFIER().getText();
            if (!ALL_FUNCTIONS.contains(name)) {
                throw new ExpressionException("Invalid " + kind + ": Invalid function name; function: " + name);
            }
            return name;
        }

        Operand operand(OperandContext written) {
            OperandContext context = bare(written);
            if (context instanceof DynamoDbExpressionParser.PathOperandContext path) {
                return new Operand.Attribute(path(path.path()));
            }
            if (context instanceof DynamoDbExpressionParser.ValueOperandContext value) {
                return new Operand.Literal(value(value.VALUE()));
            }
            FunctionCallContext call = ((DynamoDbExpressionParser.FunctionOperandContext) context).functionCall();
            String name = functionName(call);
            if (!name.equals("size")) {
                throw new ExpressionException("Invalid " + kind + ": The function is not allowed to be used this way in an expression; function: " + name);
            }
            if (call.operand().size() != 1) {
                throw operandCount(name, call.operand().size());
            }
            // size() of a number, a boolean or a null (a value, or another size) is refused for its operand's type first.
            OperandContext sized = bare(call.operand(0));
            String sizedType = sized instanceof DynamoDbExpressionParser.ValueOperandContext literal ? value(literal.VALUE()).type()
                    : sized instanceof DynamoDbExpressionParser.FunctionOperandContext inner && inner.functionCall().IDENTIFIER().getText().equals("size") ? "N" : "";
            if (List.of("N", "BOOL", "NULL").contains(sizedType)) {
                throw new ExpressionException("Invalid " + kind + ": " + SIZE_OPERAND_TYPE + sizedType);
            }
            if (!(sized instanceof DynamoDbExpressionParser.PathOperandContext argument)) {
                throw new ExpressionException("Invalid " + kind + ": Operator or function requires a document path; operator or function: size");
            }
            return new Operand.Size(path(argument.path()));
        }

        Update.SetValue setValue(DynamoDbExpressionParser.SetValueContext context) {
            if (context instanceof DynamoDbExpressionParser.SumContext sum) {
                return new Update.Plus(arithmetic(setOperand(sum.setOperand(0)), "+"), arithmetic(setOperand(sum.setOperand(1)), "+"));
            }
            if (context instanceof DynamoDbExpressionParser.DifferenceContext difference) {
                return new Update.Minus(arithmetic(setOperand(difference.setOperand(0)), "-"), arithmetic(setOperand(difference.setOperand(1)), "-"));
            }
            return new Update.Single(setOperand(((DynamoDbExpressionParser.SingleContext) context).setOperand()));
        }

        /** A literal in arithmetic must be a number: DynamoDB refuses any other before reading the item. */
        private Update.SetOperand arithmetic(Update.SetOperand operand, String operator) {
            if (operand instanceof Update.Literal literal && !(literal.value() instanceof Value.N)) {
                throw new ExpressionException("Invalid " + kind + ": Incorrect operand type for operator or function; operator or function: "
                        + operator + ", operand type: " + literal.value().type());
            }
            return operand;
        }

        private Update.SetOperand setOperand(DynamoDbExpressionParser.SetOperandContext operand) {
            DynamoDbExpressionParser.SetTermContext context = operand.setTerm();
            if (context instanceof DynamoDbExpressionParser.SetPathContext path) {
                return new Update.PathValue(path(path.path()));
            }
            if (context instanceof DynamoDbExpressionParser.SetLiteralContext literal) {
                return new Update.Literal(value(literal.VALUE()));
            }
            return setFunction(((DynamoDbExpressionParser.SetFunctionContext) context).functionCall());
        }

        private Update.SetOperand setFunction(FunctionCallContext call) {
            String name = functionName(call);
            if (!name.equals("if_not_exists") && !name.equals("list_append")) {
                throw new ExpressionException("Invalid " + kind + ": The function is not allowed in an update expression; function: " + name);
            }
            if (call.operand().size() != 2) {
                throw operandCount(name, call.operand().size());
            }
            Update.SetOperand first = updateArgument(call.operand(0));
            Update.SetOperand second = updateArgument(call.operand(1));
            if (name.equals("if_not_exists")) {
                if (!(first instanceof Update.PathValue path)) {
                    throw new ExpressionException("Invalid " + kind + ": Operator or function requires a document path; operator or function: if_not_exists");
                }
                return new Update.IfNotExists(path.path(), second);
            }
            return new Update.ListAppend(first, second);
        }

        private Update.SetOperand updateArgument(OperandContext written) {
            OperandContext context = bare(written);
            if (context instanceof DynamoDbExpressionParser.PathOperandContext path) {
                return new Update.PathValue(path(path.path()));
            }
            if (context instanceof DynamoDbExpressionParser.ValueOperandContext value) {
                return new Update.Literal(value(value.VALUE()));
            }
            return setFunction(((DynamoDbExpressionParser.FunctionOperandContext) context).functionCall());
        }

        Path path(DynamoDbExpressionParser.PathContext context) {
            List<Path.Step> steps = new ArrayList<>();
            steps.add(new Path.Step.Attribute(name(context.pathHead().getStart())));
            for (var selector : context.pathSelector()) {
                if (selector instanceof DynamoDbExpressionParser.MemberContext member) {
                    steps.add(new Path.Step.Attribute(name(member.getStop())));
                } else {
                    String digits = ((DynamoDbExpressionParser.ElementContext) selector).INDEX().getText();
                    try {
                        steps.add(new Path.Step.Index(Integer.parseInt(digits)));
                    } catch (NumberFormatException e) {
                        throw new ExpressionException("Invalid " + kind + ": List index is out of range; index: " + digits);
                    }
                }
            }
            return new Path(steps);
        }

        private String name(Token token) {
            String text = token.getText();
            if (text.startsWith("#")) {
                return placeholders.name(text, kind);
            }
            if (RESERVED.contains(text.toUpperCase(Locale.ROOT))) {
                throw new ExpressionException("Invalid " + kind + ": Attribute name is a reserved keyword; reserved keyword: " + text);
            }
            return text;
        }

        Value value(TerminalNode placeholder) {
            return placeholders.value(placeholder.getText(), kind);
        }
    }

    private static Set<String> reservedWords() {
        try (InputStream in = Expressions.class.getResourceAsStream("reserved-words.txt")) {
            Set<String> words = new HashSet<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.startsWith("#")) {
                    words.addAll(List.of(line.trim().split("\\s+")));
                }
            }
            words.remove("");
            return Set.copyOf(words);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("the engine's list of reserved words is missing", e);
        }
    }
}
