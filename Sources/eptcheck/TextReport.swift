import Explorer
import Foundation
import Spec

/// The human report: a line per scenario, each counterexample as columns (one per thread), and
/// a closing summary line.
struct TextReport {
  var color: Bool

  private func paint(_ text: String, _ code: String) -> String {
    color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
  }

  /// Whether the counterexamples of results that are as expected are shown too
  /// (`--show-expected`); by default a report shows only what is news.
  var showExpected = false
  /// The command that checks one scenario again, for the closing block; nil leaves it out.
  var rerun: ((ScenarioRun) -> String)? = nil

  /// The report: a line per scenario, the traces of the results that are not as expected, the
  /// failing scenarios with the command to rerun each, and the summary.
  func render(_ runs: [ScenarioRun], _ header: ReportHeader) -> String {
    var out = ""
    let nameWidth = min(40, runs.map(\.scenario.name.count).max() ?? 0)
    for run in runs { out += scenarioLine(run, nameWidth: nameWidth) + "\n" }
    for run in runs {
      for trace in run.traces(showExpected: showExpected) {
        out += "\n" + renderTrace(trace, scenario: run.scenario)
      }
    }
    let notAsExpected = runs.filter {
      switch $0.verdict {
      case .unexpected, .inconclusive: return true
      case .asExpected, .partial: return false
      }
    }
    if !notAsExpected.isEmpty {
      out += "\n" + paint("Not as expected:", "1") + "\n"
      for run in notAsExpected {
        let name = run.scenario.name.escapingControlCharacters()
        let why = (run.verdict.reason ?? "").escapingControlCharacters()
        out += "  \(run.verdict.word) \(name): \(why)\n"
        if let rerun { out += "    \(rerun(run).escapingControlCharacters())\n" }
      }
    }
    if let coverage = header.patchCoverage { out += coverage.text }
    out += "\n" + summary(runs, header) + "\n"
    return out
  }

  /// One scenario's result: verdict, name, strategy, states (stateful) or executions, steps,
  /// time, completeness, and what a bug variant expects.
  func scenarioLine(_ run: ScenarioRun, nameWidth: Int) -> String {
    let s = run.result.statistics
    let verdict: String
    switch run.verdict {
    case .asExpected: verdict = paint("pass", "32")
    case .unexpected: verdict = paint("FAIL", "31;1")
    case .inconclusive: verdict = paint("inconclusive", "33")
    case .partial: verdict = paint("partial", "36")
    }
    let name = run.scenario.name.escapingControlCharacters()
    var line = "\(verdict.padded(to: color ? 4 + 9 : 12)) \(name.padded(to: nameWidth))"
    line += "  \(run.result.strategy.name): "
    if let before = run.statefulBeforeDPOR {
      line += "the stateful search stopped at \(before.distinctStates) states after "
      line += String(format: "%.2fs", before.elapsed) + "; "
    }
    if case .stateful = run.result.strategy {
      line += "\(s.distinctStates) states, "
    } else {
      line += "\(s.executions) executions, "
    }
    line += "\(s.transitions) steps, "
    line += String(format: "%.2fs", s.elapsed)
    line += ", " + run.completeness
    switch run.scenario.expectation {
    case .ok: break
    case .violation(let kind):
      line += "; expects \(kind)"
      if !run.scenario.alsoExpected.isEmpty {
        line += " (also \(run.scenario.alsoExpected.joined(separator: ", ")))"
      }
    }
    if let why = run.verdict.reason { line += " (\(why.escapingControlCharacters()))" }
    return line
  }

  /// The closing line: how many scenarios behaved, and what was explored, in states for the
  /// stateful searches and executions for the others.
  func summary(_ runs: [ScenarioRun], _ header: ReportHeader) -> String {
    let tally = VerdictTally(runs)
    var states = 0
    var executions = 0
    var anyStateless = false
    for run in runs {
      if case .stateful = run.result.strategy {
        states += run.result.statistics.distinctStates
      } else {
        executions += run.result.statistics.executions
        anyStateless = true
      }
    }
    var explored: [String] = []
    if states > 0 || !anyStateless { explored.append("\(states) states") }
    if anyStateless { explored.append("\(executions) executions") }
    let synthesized = runs.filter(\.scenario.isSynthesized).count
    var out = "\(runs.count) scenarios"
    if synthesized > 0 {
      out += " (\(runs.count - synthesized) hand-written, \(synthesized) synthesized)"
    }
    out += ": \(tally.asExpected) as expected, "
    out += "\(tally.unexpected) not as expected, \(tally.inconclusive) inconclusive; "
    if tally.partial > 0 { out += "\(tally.partial) partial, to merge; " }
    out += explored.joined(separator: " and ") + " in " + String(format: "%.2fs", header.elapsed)
    out += " (\(header.strategy)" + (header.depth.map { ", depth \($0)" } ?? "") + ")"
    if let signal = header.interrupted {
      out += "; interrupted by \(signal)"
      if header.scenariosNotChecked > 0 {
        out += ", \(header.scenariosNotChecked) scenarios not started"
      }
    }
    return out
  }

  /// The widest a trace's lines may be (`--width`, `COLUMNS`, the terminal's); nil for no
  /// limit. Lanes share it; a statement longer than its lane wraps, it is never cut.
  var width: Int? = nil
  /// The widest a lane is without a width limit: longer statements wrap, so that a hostile spec
  /// cannot make every row of a report as wide as its longest line.
  static let widestLane = 160
  /// The widest a thread's name makes its lane's header.
  static let headWidth = 48

  /// One counterexample: a header, then a row per step with the step in its thread's column,
  /// then the threads the violation is about, with their call stacks and held locks.
  func renderTrace(_ trace: RenderedTrace, scenario: ScenarioInfo) -> String {
    let title = "\(scenario.name): \(trace.violation.kind)".escapingControlCharacters()
    let message = trace.displayMessage ?? trace.violation.message
    var out = paint(title, "1") + ": \(message.escapingControlCharacters())\n"
    out +=
      "  trace \(trace.trace) (\(trace.steps.count) steps, \(trace.trace.contextSwitches) context switches)\n"
    let columns = trace.threadNames.count
    let threadNames = trace.threadNames.map { $0.escapingControlCharacters() }
    var cells: [[[String]]] = []  // row -> column -> lines
    // Invisible steps (run inside the step before them, see docs/language.md) are listed with a
    // `+`; those a thread runs before its first step form row 0.
    let hasInvisible =
      trace.invisibleAtStart.contains { !$0.isEmpty }
      || trace.steps.contains { $0.invisible != nil }
    if hasInvisible {
      out += fitted(
        "  (+ marks invisible steps: no other thread can touch what they touch, so they run inside the step above)"
      )
    }
    if trace.invisibleAtStart.contains(where: { !$0.isEmpty }) {
      cells.append(
        trace.invisibleAtStart.map { $0.map { ("+ " + $0).escapingControlCharacters() } })
    }
    for step in trace.steps {
      var lines: [String] = []
      var head = step.function
      if let kernel = step.kernelFunction, kernel != step.function { head += " [\(kernel)]" }
      lines.append(head)
      var where_ =
        step.location.map { "\(($0.file as NSString).lastPathComponent):\($0.line)" } ?? ""
      if !step.operation.isEmpty { where_ += (where_.isEmpty ? "" : " ") + step.operation }
      if step.choice != 0 { where_ += " (choice \(step.choice))" }
      if !where_.isEmpty { lines.append(where_) }
      lines += (step.invisible ?? []).map { "+ " + $0 }
      lines += (step.returned ?? []).map { "  " + $0 }
      lines += step.changes.map { "  " + $0 }
      lines = lines.map { $0.escapingControlCharacters() }
      var row = Array(repeating: [String](), count: columns)
      row[step.thread] = lines
      cells.append(row)
    }
    let indexWidth = String(trace.steps.count).count + 1
    let widths = laneWidths(
      natural: (0..<columns).map { c in
        max(
          min(Self.headWidth, threadNames[c].count),
          min(Self.widestLane, cells.map { $0[c].map(\.count).max() ?? 0 }.max() ?? 0))
      },
      fixed: 2 + indexWidth + 1 + 3 * (columns - 1))
    func line(_ index: String, _ parts: [String]) -> String {
      var text = "  " + index.padded(to: indexWidth) + " "
      for (c, part) in parts.enumerated() {
        text += (c == 0 ? "" : " | ") + part.padded(to: widths[c])
      }
      return text.trimmingTrailingSpaces() + "\n"
    }
    // A thread's name is a label: clipped to its lane, where a statement would wrap.
    out += line(
      "#",
      threadNames.enumerated().map { c, name in
        name.count > widths[c] ? String(name.prefix(widths[c] - 1)) + "…" : name
      })
    out +=
      "  " + String(repeating: "-", count: indexWidth + 1 + widths.reduce(0, +) + 3 * (columns - 1))
      + "\n"
    let first = cells.count - trace.steps.count  // 1 when row 0 lists invisible steps at start
    for (r, row) in cells.enumerated() {
      let wrapped = row.enumerated().map { c, lines in
        lines.flatMap { Self.wrap($0, to: widths[c]) }
      }
      let height = wrapped.map(\.count).max() ?? 0
      for k in 0..<height {
        out += line(k == 0 ? "\(r + 1 - first)" : "", wrapped.map { k < $0.count ? $0[k] : "" })
      }
    }
    let at =
      trace.violationStep >= trace.steps.count
      ? "at the end of the execution" : "at step \(trace.violationStep + 1)"
    out += "  => \(trace.violation.kind.escapingControlCharacters()) \(at)\n"
    for culprit in trace.culprits {
      out += renderCulprit(culprit).map { "  " + $0.escapingControlCharacters() + "\n" }.joined()
    }
    return out
  }

  /// A trace one step after another, as SPIN's `-t -p -g` prints one: the thread, its kernel
  /// function and statement, then each shared variable the step changed (`eptcheck replay
  /// --states`).
  func renderSteps(_ trace: RenderedTrace, scenario: ScenarioInfo) -> String {
    let title = "\(scenario.name): \(trace.violation.kind)".escapingControlCharacters()
    let message = trace.displayMessage ?? trace.violation.message
    var out = paint(title, "1") + ": \(message.escapingControlCharacters())\n"
    out +=
      "  trace \(trace.trace) (\(trace.steps.count) steps, \(trace.trace.contextSwitches) context switches)\n"
    let indexWidth = String(trace.steps.count).count + 1
    let lineWidth = width.map { max($0 - indexWidth - 4, 20) } ?? Self.widestLane
    for (thread, steps) in trace.invisibleAtStart.enumerated() where !steps.isEmpty {
      out +=
        "  " + "0".padded(to: indexWidth) + " "
        + trace.threadNames[thread].escapingControlCharacters() + " (before its first step)\n"
      for step in steps {
        for piece in Self.wrap("+ " + step, to: lineWidth) {
          out += "  " + "".padded(to: indexWidth) + " " + piece.escapingControlCharacters() + "\n"
        }
      }
    }
    for step in trace.steps {
      var head = "\(step.threadName): \(step.function)"
      if let kernel = step.kernelFunction, kernel != step.function { head += " [\(kernel)]" }
      var lines = [head]
      var where_ =
        step.location.map { "\(($0.file as NSString).lastPathComponent):\($0.line)" } ?? ""
      if !step.operation.isEmpty { where_ += (where_.isEmpty ? "" : " ") + step.operation }
      if step.choice != 0 { where_ += " (choice \(step.choice))" }
      if !where_.isEmpty { lines.append("  " + where_) }
      lines += (step.invisible ?? []).map { "  + " + $0 }
      lines += (step.returned ?? []).map { "    " + $0 }
      lines += step.changes.map { "    " + $0 }
      for (k, line) in lines.enumerated() {
        for (p, piece) in Self.wrap(line, to: lineWidth).enumerated() {
          let index = k == 0 && p == 0 ? "\(step.index)" : ""
          out +=
            "  " + index.padded(to: indexWidth) + " " + piece.escapingControlCharacters() + "\n"
        }
      }
    }
    let at =
      trace.violationStep >= trace.steps.count
      ? "at the end of the execution" : "at step \(trace.violationStep + 1)"
    if trace.violation.kind != "none" {
      out += "  => \(trace.violation.kind.escapingControlCharacters()) \(at)\n"
    }
    for culprit in trace.culprits {
      out += renderCulprit(culprit).map { fitted("  " + $0.escapingControlCharacters()) }.joined()
    }
    return out
  }

  /// A line of a trace outside its lanes, wrapped to the width when there is one.
  func fitted(_ line: String) -> String {
    guard let width else { return line + "\n" }
    return Self.wrap(line, to: width).map { $0 + "\n" }.joined()
  }

  /// A thread a violation is about, as the kernel prints one: where it was, lockdep's list of
  /// held locks, the call trace, and for a deadlock who holds what it waits for.
  func renderCulprit(_ culprit: RenderedTrace.Culprit) -> [String] {
    var lines: [String] = []
    let name = culprit.thread
    if let operation = culprit.operation {
      let role = culprit.role.map { " (\($0))" } ?? ""
      lines.append("\(name) \(culprit.blocked == true ? "blocked at" : "at") \(operation)\(role)")
    } else {
      lines.append("\(name) had returned")
    }
    for wait in culprit.waitsFor { lines.append("  waits for \(wait)") }
    if culprit.heldLocks.isEmpty {
      lines.append("  no locks held by \(name).")
    } else {
      let count = culprit.heldLocks.count
      lines.append("  \(count) lock\(count == 1 ? "" : "s") held by \(name):")
      for (k, lock) in culprit.heldLocks.enumerated() { lines.append("   #\(k): \(lock)") }
    }
    if !culprit.stack.isEmpty {
      lines.append("  Call Trace:")
      lines += culprit.stack.map { "   " + $0 }
    }
    return lines
  }

  /// How wide each lane is: as wide as its widest line when the trace fits in `width`;
  /// otherwise the width is shared, each lane getting what it needs up to an equal share and
  /// the lanes that need more sharing what is left. No lane is narrower than 16 columns.
  func laneWidths(natural: [Int], fixed: Int) -> [Int] {
    guard let width, natural.reduce(fixed, +) > width, !natural.isEmpty else { return natural }
    var widths = natural.map { _ in 0 }
    var available = max(width - fixed, 16 * natural.count)
    var open = Array(natural.indices)
    while !open.isEmpty {
      let share = available / open.count
      let small = open.filter { natural[$0] <= share }
      if small.isEmpty {
        for (k, c) in open.enumerated() {
          widths[c] = max(16, share + (k < available % open.count ? 1 : 0))
        }
        break
      }
      for c in small {
        widths[c] = natural[c]
        available -= natural[c]
      }
      open.removeAll { small.contains($0) }
    }
    return widths
  }

  /// A line broken into pieces of at most `width` characters, at a space or after a comma or an
  /// opening parenthesis where it can be; continuation lines are indented two more than the
  /// line. Nothing is dropped.
  static func wrap(_ line: String, to width: Int) -> [String] {
    guard line.count > width, width >= 8 else { return [line] }
    let indent = String(repeating: " ", count: min(line.prefix { $0 == " " }.count + 2, width / 2))
    var pieces: [String] = []
    var rest = Substring(line)
    var prefix = ""
    while prefix.count + rest.count > width {
      let room = width - prefix.count
      let head = rest.prefix(room)
      var cut = head.endIndex
      if let space = head.lastIndex(where: { $0 == " " || $0 == "," || $0 == "(" }),
        head.distance(from: head.startIndex, to: space) >= room / 3
      {
        cut = head.index(after: space)
      }
      pieces.append(prefix + String(rest[..<cut]).trimmingTrailingSpaces())
      rest = rest[cut...].drop { $0 == " " }
      prefix = indent
    }
    if !rest.isEmpty { pieces.append(prefix + rest) }
    return pieces
  }
}

extension String {
  func padded(to width: Int) -> String {
    count >= width ? self : self + String(repeating: " ", count: width - count)
  }

  func trimmingTrailingSpaces() -> String {
    var s = Substring(self)
    while s.last == " " { s = s.dropLast() }
    return String(s)
  }
}
