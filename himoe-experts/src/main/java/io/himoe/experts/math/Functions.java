package io.himoe.experts.math;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Locale;

/** The functions an expression may call; every one is exact except for the final rounding. */
final class Functions {
  static final List<String> NAMES =
      List.of("sqrt", "abs", "min", "max", "round", "floor", "ceil", "trunc", "fact", "pow");

  private Functions() {}

  static BigDecimal apply(Parser p, Token fn, List<BigDecimal> args, List<Token> at) {
    String name = fn.text().toLowerCase(Locale.ROOT);
    return switch (name) {
      case "sqrt" -> {
        BigDecimal x = one(p, fn, args);
        if (x.signum() < 0) {
          throw p.error(at.getFirst(), "sqrt of a negative number (" + x.toPlainString() + ")");
        }
        yield x.sqrt(p.mc());
      }
      case "abs" -> one(p, fn, args).abs();
      case "floor" -> one(p, fn, args).setScale(0, RoundingMode.FLOOR);
      case "ceil" -> one(p, fn, args).setScale(0, RoundingMode.CEILING);
      case "trunc" -> one(p, fn, args).setScale(0, RoundingMode.DOWN);
      case "fact" -> p.factorialAt(one(p, fn, args), at.getFirst());
      case "min", "max" -> {
        if (args.isEmpty()) {
          throw p.error(fn, name + " needs at least one argument");
        }
        BigDecimal best = args.getFirst();
        for (BigDecimal a : args) {
          best = name.equals("min") ? best.min(a) : best.max(a);
        }
        yield best;
      }
      case "round" -> round(p, fn, args, at);
      case "pow" -> {
        arity(p, fn, args, 2);
        yield p.power(args.get(0), args.get(1), at.get(1));
      }
      default ->
          throw p.error(fn, "unknown function '" + fn.text() + "'; known functions are " + NAMES);
    };
  }

  private static BigDecimal round(Parser p, Token fn, List<BigDecimal> args, List<Token> at) {
    if (args.size() == 1) {
      return Parser.round(args.getFirst(), 0);
    }
    arity(p, fn, args, 2);
    BigDecimal d = args.get(1).stripTrailingZeros();
    if (d.scale() > 0 || d.abs().compareTo(BigDecimal.valueOf(1000)) > 0) {
      throw p.error(at.get(1), "round's digits must be an integer in [-1000, 1000]");
    }
    return Parser.round(args.getFirst(), d.intValue());
  }

  private static BigDecimal one(Parser p, Token fn, List<BigDecimal> args) {
    arity(p, fn, args, 1);
    return args.getFirst();
  }

  private static void arity(Parser p, Token fn, List<BigDecimal> args, int n) {
    if (args.size() != n) {
      throw p.error(
          fn,
          fn.text() + " takes " + n + " argument" + (n == 1 ? "" : "s") + ", got " + args.size());
    }
  }
}
