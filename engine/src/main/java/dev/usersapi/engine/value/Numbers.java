package dev.usersapi.engine.value;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * DynamoDB's numbers: at most 38 significant digits, positive magnitudes from 1E-130 to
 * 9.9999999999999999999999999999999999999E+125 (the developer guide, "Data types": Number).
 */
public final class Numbers {
    public static final MathContext PRECISION = new MathContext(38);
    private static final BigDecimal SMALLEST = new BigDecimal("1E-130");
    private static final BigDecimal LARGEST = new BigDecimal("9.9999999999999999999999999999999999999E+125");

    private Numbers() {}

    static BigDecimal canonical(BigDecimal number) {
        return number.signum() == 0 ? BigDecimal.ZERO : number.stripTrailingZeros();
    }

    /** The number, or why DynamoDB refuses it. */
    public static BigDecimal parse(String text) {
        BigDecimal number;
        try {
            number = new BigDecimal(text.trim());
        } catch (NumberFormatException e) {
            // DynamoDB names the text it could not read, unless there was none.
            throw new InvalidValueException("The parameter cannot be converted to a numeric value" + (text.isEmpty() ? "" : ": " + text));
        }
        checkRange(number);
        return canonical(number);
    }

    /** The result of arithmetic, held to the same limits. */
    public static BigDecimal checked(BigDecimal number) {
        checkRange(number);
        return canonical(number);
    }

    private static void checkRange(BigDecimal number) {
        BigDecimal magnitude = number.abs();
        if (magnitude.compareTo(LARGEST) > 0) {
            throw new InvalidValueException("Number overflow. Attempting to store a number with magnitude larger than supported range");
        }
        if (magnitude.signum() != 0 && magnitude.compareTo(SMALLEST) < 0) {
            throw new InvalidValueException("Number underflow. Attempting to store a number with magnitude smaller than supported range");
        }
        if (canonical(number).precision() > 38) {
            throw new InvalidValueException("Attempting to store more than 38 significant digits in a Number");
        }
    }

    /** DynamoDB's text for a number: plain digits, no exponent, no trailing zeros. */
    public static String text(BigDecimal number) {
        return number.toPlainString();
    }
}
