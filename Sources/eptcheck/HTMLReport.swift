import Explorer
import Foundation
import Spec

/// One self-contained HTML page (no scripts or fonts fetched) drawing each counterexample as
/// swim lanes: a column per thread, a row per step, the state changes in each cell.
///
/// Results that are not as expected come first, in the summary table and in the traces; each
/// row of the table links to its traces, the step that raised the violation is highlighted,
/// and statements wrap inside their lane instead of being cut (`scripts/check-html` renders a
/// report in Chromium and checks both).
struct HTMLReport {
  static func escape(_ text: String) -> String {
    var out = ""
    for ch in text {
      switch ch {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      default: out.append(ch)
      }
    }
    return out
  }

  /// The order results are shown in: not as expected, inconclusive, partial, as expected; load
  /// order within each.
  static func rank(_ verdict: ScenarioRun.Verdict) -> Int {
    switch verdict {
    case .unexpected: return 0
    case .inconclusive: return 1
    case .partial: return 2
    case .asExpected: return 3
    }
  }

  /// The anchor of a scenario's `k`th trace (0-based, in the order shown).
  static func anchor(_ scenario: Int, _ k: Int) -> String { "trace-\(scenario)-\(k + 1)" }

  func render(_ runs: [ScenarioRun], _ header: ReportHeader) -> String {
    let e = Self.escape
    let ordered = runs.indices.sorted {
      (Self.rank(runs[$0].verdict), $0) < (Self.rank(runs[$1].verdict), $1)
    }
    var body = ""
    body += "<h1>eptcheck \(e(header.version))</h1>\n"
    body +=
      "<p class=\"run\">\(e(header.paths.joined(separator: ", "))): strategy \(e(header.strategy))"
    body += header.depth.map { ", depth \($0)" } ?? ""
    body += String(format: ", %.2fs", header.elapsed)
    if let signal = header.interrupted { body += ", interrupted by \(e(signal))" }
    body += "</p>\n"
    body +=
      "<table class=\"scenarios\"><tr><th>verdict</th><th>scenario</th><th>expects</th><th>states or executions</th><th>steps</th><th>coverage</th><th>traces</th></tr>\n"
    for index in ordered {
      let run = runs[index]
      let s = run.result.statistics
      var verdict = run.verdict.word
      if let why = run.verdict.reason { verdict += ": " + why }
      let traces = run.traces(showExpected: true)
      let name =
        traces.isEmpty
        ? e(run.scenario.name)
        : "<a href=\"#\(Self.anchor(index, 0))\">\(e(run.scenario.name))</a>"
      var explored = "\(s.executions) executions"
      if case .stateful = run.result.strategy { explored = "\(s.distinctStates) states" }
      body +=
        "<tr class=\"\(run.verdict.word.lowercased())\"><td>\(e(verdict))</td><td>\(name)</td>"
      var expects = JSONLinesReport.expectationText(run.scenario.expectation)
      if !run.scenario.alsoExpected.isEmpty {
        expects += " (also \(run.scenario.alsoExpected.joined(separator: ", ")))"
      }
      body += "<td>\(e(expects))</td>"
      body += "<td>\(explored)</td><td>\(s.transitions)</td><td>\(e(run.completeness))</td><td>"
      body += traces.enumerated().map { k, trace in
        let cls = run.expects(trace.violation) ? "expected" : "unexpected"
        return
          "<a class=\"\(cls)\" href=\"#\(Self.anchor(index, k))\">\(e(trace.violation.kind))</a>"
      }.joined(separator: " ")
      body += "</td></tr>\n"
    }
    body += "</table>\n"
    for index in ordered {
      let run = runs[index]
      for (k, trace) in run.traces(showExpected: true).enumerated() {
        body += section(trace, run: run, anchor: Self.anchor(index, k))
      }
    }
    return """
      <!DOCTYPE html>
      <html lang="en"><head><meta charset="utf-8"><title>eptcheck report</title>
      <style>
      body{font-family:system-ui,sans-serif;margin:2em;color:#222}
      table.scenarios{border-collapse:collapse}table.scenarios td,table.scenarios th{border:1px solid #ccc;padding:.2em .6em;text-align:left}
      tr.fail td:first-child{color:#b00;font-weight:bold}tr.pass td:first-child{color:#070}tr.inconclusive td:first-child{color:#a60}
      a.unexpected{color:#b00;font-weight:bold}a.expected{color:#555}
      section.trace.unexpected h2{color:#b00}section.trace.expected h2 .tag{color:#070;font-size:70%;font-weight:normal}
      .lanes{display:grid;gap:2px;margin:1em 0}.lane-head{font-weight:bold;border-bottom:2px solid #444;padding:.2em;overflow-wrap:anywhere}
      .index{color:#888;padding:.3em}.idle{border-left:2px solid #ddd}
      .step{background:#eef4ff;border-left:2px solid #36c;padding:.3em;font-size:90%;min-width:0;overflow-wrap:anywhere}
      .step.violating{background:#ffe8e8;border-left:4px solid #b00;outline:2px solid #b00}
      .step code{white-space:pre-wrap;overflow-wrap:anywhere}
      .kernel,.location{color:#666}.changes{margin:.2em 0 0 1em;padding:0;color:#a30}.returned{margin:.2em 0 0 1em;padding:0;list-style:none;color:#063}.invisible{margin:.2em 0 0 0;padding:0;list-style:none;color:#888}
      .verdict{font-weight:bold;color:#b00}code{font-size:95%}
      .culprit{border-left:3px solid #b00;padding:.2em .8em;margin:.5em 0}.culprit ul{margin:.2em 0;padding-left:1.5em}
      </style></head><body>
      \(body)</body></html>

      """
  }

  /// One counterexample: its title, the swim lanes, the verdict line and the threads it is
  /// about.
  func section(_ trace: RenderedTrace, run: ScenarioRun, anchor: String) -> String {
    let e = Self.escape
    let expected = run.expects(trace.violation)
    var body =
      "<section class=\"trace \(expected ? "expected" : "unexpected")\" id=\"\(anchor)\">\n"
    body += "<h2>\(e(run.scenario.name)): \(e(trace.violation.kind))"
    body += expected ? " <span class=\"tag\">(as expected)</span>" : ""
    body += "</h2>\n"
    body += "<p class=\"message\">\(e(trace.displayMessage ?? trace.violation.message))</p>\n"
    body += "<p class=\"compact\">trace <code>\(e(trace.trace.description))</code></p>\n"
    let columns = trace.threadNames.count
    body +=
      "<div class=\"lanes\" style=\"grid-template-columns: 3em repeat(\(columns), minmax(16em, 1fr))\">\n"
    body += "<div class=\"lane-head\">#</div>"
    for name in trace.threadNames { body += "<div class=\"lane-head\">\(e(name))</div>" }
    body += "\n"
    if trace.invisibleAtStart.contains(where: { !$0.isEmpty }) {
      body += "<div class=\"index\">0</div>"
      for steps in trace.invisibleAtStart {
        body +=
          "<div class=\"step\"><ul class=\"invisible\" title=\"invisible steps, run before the first step\">"
          + steps.map { "<li><code>+ \(e($0))</code></li>" }.joined() + "</ul></div>"
      }
      body += "\n"
    }
    for step in trace.steps {
      body += "<div class=\"index\">\(step.index)</div>"
      for column in 0..<columns {
        guard column == step.thread else {
          body += "<div class=\"idle\"></div>"
          continue
        }
        let violating = step.index == trace.violationStep + 1
        body +=
          "<div class=\"step\(violating ? " violating" : "")\" id=\"\(anchor)-step-\(step.index)\" data-step=\"\(step.index)\">"
        body += "<div class=\"function\">\(e(step.function))"
        if let kernel = step.kernelFunction, kernel != step.function {
          body += " <span class=\"kernel\">[\(e(kernel))]</span>"
        }
        body += "</div>"
        if let location = step.location {
          body += "<div class=\"location\">\(e(location.file)):\(location.line)</div>"
        }
        if !step.operation.isEmpty {
          body += "<div class=\"operation\"><code>\(e(step.operation))</code></div>"
        }
        if step.choice != 0 { body += "<div class=\"choice\">choice \(step.choice)</div>" }
        if let invisible = step.invisible {
          body +=
            "<ul class=\"invisible\" title=\"invisible steps, run inside this one\">"
            + invisible.map { "<li><code>+ \(e($0))</code></li>" }.joined() + "</ul>"
        }
        if let returned = step.returned {
          body +=
            "<ul class=\"returned\">" + returned.map { "<li><code>\(e($0))</code></li>" }.joined()
            + "</ul>"
        }
        if !step.changes.isEmpty {
          body +=
            "<ul class=\"changes\">" + step.changes.map { "<li>\(e($0))</li>" }.joined() + "</ul>"
        }
        body += "</div>"
      }
      body += "\n"
    }
    body += "</div>\n"
    let at =
      trace.violationStep >= trace.steps.count
      ? "at the end of the execution"
      : "at <a href=\"#\(anchor)-step-\(trace.violationStep + 1)\">step \(trace.violationStep + 1)</a>"
    body += "<p class=\"verdict\">\(e(trace.violation.kind)) \(at)</p>\n"
    for culprit in trace.culprits {
      body += "<div class=\"culprit\"><p><b>\(e(culprit.thread))</b> "
      body +=
        culprit.operation.map {
          "\(culprit.blocked == true ? "blocked at" : "at") <code>\(e($0))</code>"
        } ?? "had returned"
      body += culprit.role.map { " (\(e($0)))" } ?? ""
      body += "</p>"
      if !culprit.waitsFor.isEmpty {
        body +=
          "<ul class=\"waits\">"
          + culprit.waitsFor.map { "<li>waits for <code>\(e($0))</code></li>" }.joined() + "</ul>"
      }
      body +=
        culprit.heldLocks.isEmpty
        ? "<p>no locks held by \(e(culprit.thread)).</p>"
        : "<p>\(culprit.heldLocks.count) lock\(culprit.heldLocks.count == 1 ? "" : "s") held by \(e(culprit.thread)):</p><ul class=\"locks\">"
          + culprit.heldLocks.enumerated().map {
            "<li><code>#\($0.offset): \(e($0.element))</code></li>"
          }.joined() + "</ul>"
      if !culprit.stack.isEmpty {
        body +=
          "<p>Call Trace:</p><ul class=\"stack\">"
          + culprit.stack.map { "<li><code>\(e($0))</code></li>" }.joined() + "</ul>"
      }
      body += "</div>\n"
    }
    body += "</section>\n"
    return body
  }
}
