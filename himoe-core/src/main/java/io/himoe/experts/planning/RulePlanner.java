package io.himoe.experts.planning;

import io.himoe.experts.Expert;
import io.himoe.experts.ExpertAux;
import io.himoe.experts.ExpertOut;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import io.himoe.shared.Plan;
import io.himoe.shared.PlanStep;
import io.himoe.shared.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The seed's symbolic planner, made real: turns a goal text into ordered steps. It reads numbered
 * lists ({@code 1.}, {@code 2)}), bullets ({@code -}, {@code *}, {@code •}) and checkboxes ({@code
 * [ ]}, {@code [x]} for a step already done); without a list, it splits sentences and sequencing
 * words ("then", "puis", "ensuite", ";"). The line before a list, or the first sentence when it
 * announces the goal, is the goal. English and French. A text that yields a single step and has no
 * list, prefix or planning cue ("what is 1/0") is no plan: {@link MoeError.Unprocessable}, so the
 * router re-routes it.
 */
public final class RulePlanner implements Expert {

  private static final Pattern ITEM =
      Pattern.compile("^\\s*(?:\\d{1,3}[.)]|[-*•+])\\s+(?:\\[( |x|X)]\\s*)?(.+?)\\s*$");
  private static final Pattern CHECKBOX = Pattern.compile("^\\s*\\[( |x|X)]\\s*(.+?)\\s*$");
  private static final Pattern PREFIX =
      Pattern.compile(
          "^\\s*(?:plan|todo|steps|étapes|etapes|strategy|stratégie)\\s*:\\s*",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern SENTENCE = Pattern.compile("(?<=[.!?])\\s+(?=\\S)");
  private static final Pattern SEQUENCE =
      Pattern.compile(
          "\\s*(?:;|,?\\s+(?:and then|then|after that|finally|puis|ensuite|et enfin|enfin)\\s+)\\s*",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern LEADING_SEQUENCE =
      Pattern.compile(
          "^(?:and then|then|after that|finally|next|first|puis|ensuite|et enfin|enfin|d'abord)[,]?\\s+",
          Pattern.CASE_INSENSITIVE);
  private static final List<String> CUES =
      List.of(
          "plan",
          "planning",
          "strategy",
          "todo",
          "to-do",
          "checklist",
          "steps",
          "step by step",
          "roadmap",
          "étapes",
          "etapes",
          "planifie",
          "planifier",
          "organise",
          "organiser",
          "stratégie");

  private final String name;

  /** A planner named {@code planning}. */
  public RulePlanner() {
    this("planning");
  }

  /**
   * @param name the expert's name
   */
  public RulePlanner(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  /** {@inheritDoc} Rules over the text: no I/O, no waiting. */
  @Override
  public boolean runsInline() {
    return true;
  }

  @Override
  public double canHandle(String task) {
    if (task == null) {
      return 0;
    }
    String t = task.toLowerCase(Locale.ROOT);
    if (PREFIX.matcher(t).find()) {
      return 0.95;
    }
    for (String cue : CUES) {
      if (t.contains(cue)) {
        return 0.8;
      }
    }
    int items = 0;
    for (String line : t.split("\\R")) {
      if (ITEM.matcher(line).matches() || CHECKBOX.matcher(line).matches()) {
        items++;
      }
    }
    return items >= 2 ? 0.7 : 0.0;
  }

  @Override
  public ExpertOut infer(InputData input, Context ctx) {
    String text =
        input
            .asText()
            .orElseThrow(
                () ->
                    new MoeError.InvalidInput(
                        "planning needs text input, got " + input.describe()));
    ParsedPlan p = parse(text);
    if (p.plan.steps().size() < 2 && canHandle(text) == 0) {
      // A single sentence with no list, prefix or planning cue: restating it as a one-step plan
      // answers nothing, so the router re-routes it to an expert that can.
      throw new MoeError.Unprocessable(
          name + ": no plan in the text (one step, no list, no 'plan:' prefix, no planning cue)");
    }
    return new ExpertOut(Value.plan(p.plan), ExpertAux.of(0, p.confidence));
  }

  private record ParsedPlan(Plan plan, double confidence) {}

  /**
   * Parses a goal text into a plan.
   *
   * @param text the text
   * @return the plan
   * @throws MoeError.InvalidInput if the text is blank
   */
  public static Plan plan(String text) {
    return parse(text).plan;
  }

  private static ParsedPlan parse(String text) {
    if (text == null || text.isBlank()) {
      throw new MoeError.InvalidInput("planning: the goal text is empty");
    }
    String body = PREFIX.matcher(text.strip()).replaceFirst("");
    List<String> goalLines = new ArrayList<>();
    List<PlanStep> steps = new ArrayList<>();
    for (String line : body.split("\\R")) {
      if (line.isBlank()) {
        continue;
      }
      Matcher m = ITEM.matcher(line);
      Matcher c = CHECKBOX.matcher(line);
      if (m.matches()) {
        steps.add(new PlanStep(m.group(2), "x".equalsIgnoreCase(m.group(1))));
      } else if (c.matches()) {
        steps.add(new PlanStep(c.group(2), "x".equalsIgnoreCase(c.group(1))));
      } else if (steps.isEmpty()) {
        goalLines.add(line.strip());
      } else {
        // A continuation line belongs to the step above it.
        PlanStep last = steps.removeLast();
        steps.add(new PlanStep(last.description() + " " + line.strip(), last.done()));
      }
    }
    if (!steps.isEmpty()) {
      String goal =
          goalLines.isEmpty() ? steps.getFirst().description() : String.join(" ", goalLines);
      return new ParsedPlan(new Plan(stripColon(goal), steps), 0.9);
    }
    String flat = String.join(" ", goalLines);
    List<String> sentences = new ArrayList<>();
    for (String s : SENTENCE.split(flat)) {
      for (String part : SEQUENCE.split(s)) {
        String clean =
            LEADING_SEQUENCE.matcher(part.strip()).replaceFirst("").replaceAll("[.!?]+$", "");
        if (!clean.isEmpty()) {
          sentences.add(clean);
        }
      }
    }
    String goal = flat.length() <= 120 ? flat : sentences.getFirst();
    if (sentences.size() > 1 && sentences.getFirst().endsWith(":")) {
      goal = stripColon(sentences.removeFirst());
    }
    List<PlanStep> out = sentences.stream().map(s -> new PlanStep(s, false)).toList();
    return new ParsedPlan(new Plan(stripColon(goal), out), out.size() > 1 ? 0.6 : 0.3);
  }

  private static String stripColon(String s) {
    return s.replaceAll("\\s*:\\s*$", "");
  }
}
