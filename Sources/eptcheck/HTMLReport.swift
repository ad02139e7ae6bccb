import Explorer
import Foundation
import Spec

/// One self-contained HTML page (no scripts or fonts fetched) drawing each counterexample as
/// swim lanes: a column per thread, a row per step, the state changes in each cell.
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

  func render(_ runs: [ScenarioRun], _ header: ReportHeader) -> String {
    let e = Self.escape
    var body = ""
    body += "<h1>eptcheck \(e(header.version))</h1>\n"
    body += "<p class=\"run\">\(e(header.paths.joined(separator: ", "))): strategy \(e(header.strategy))"
    body += header.depth.map { ", depth \($0)" } ?? ""
    body += String(format: ", %.2fs", header.elapsed) + "</p>\n"
    body += "<table class=\"scenarios\"><tr><th>verdict</th><th>scenario</th><th>expects</th><th>executions</th><th>steps</th><th>coverage</th></tr>\n"
    for run in runs {
      let s = run.result.statistics
      var verdict = run.verdict.word
      if let why = run.verdict.reason { verdict += ": " + why }
      body += "<tr class=\"\(run.verdict.word.lowercased())\"><td>\(e(verdict))</td><td>\(e(run.scenario.name))</td>"
      body += "<td>\(e(JSONLinesReport.expectationText(run.scenario.expectation)))</td>"
      body += "<td>\(s.executions)</td><td>\(s.transitions)</td><td>\(e(run.completeness))</td></tr>\n"
    }
    body += "</table>\n"
    for run in runs {
      for trace in run.traces {
        body += "<section class=\"trace\">\n<h2>\(e(run.scenario.name)): \(e(trace.violation.kind))</h2>\n"
        body += "<p class=\"message\">\(e(trace.violation.message))</p>\n"
        body += "<p class=\"compact\">trace <code>\(e(trace.trace.description))</code></p>\n"
        let columns = trace.threadNames.count
        body += "<div class=\"lanes\" style=\"grid-template-columns: 3em repeat(\(columns), minmax(14em, 1fr))\">\n"
        body += "<div class=\"lane-head\">#</div>"
        for name in trace.threadNames { body += "<div class=\"lane-head\">\(e(name))</div>" }
        body += "\n"
        if trace.invisibleAtStart.contains(where: { !$0.isEmpty }) {
          body += "<div class=\"index\">0</div>"
          for steps in trace.invisibleAtStart {
            body += "<div class=\"step\"><ul class=\"invisible\" title=\"invisible steps, run before the first step\">"
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
            body += "<div class=\"step\" data-step=\"\(step.index)\">"
            body += "<div class=\"function\">\(e(step.function))"
            if let kernel = step.kernelFunction, kernel != step.function {
              body += " <span class=\"kernel\">[\(e(kernel))]</span>"
            }
            body += "</div>"
            if let location = step.location {
              body += "<div class=\"location\">\(e(location.file)):\(location.line)</div>"
            }
            if !step.operation.isEmpty { body += "<div class=\"operation\"><code>\(e(step.operation))</code></div>" }
            if let invisible = step.invisible {
              body += "<ul class=\"invisible\" title=\"invisible steps, run inside this one\">"
                + invisible.map { "<li><code>+ \(e($0))</code></li>" }.joined() + "</ul>"
            }
            if !step.changes.isEmpty {
              body += "<ul class=\"changes\">" + step.changes.map { "<li>\(e($0))</li>" }.joined() + "</ul>"
            }
            body += "</div>"
          }
          body += "\n"
        }
        body += "</div>\n"
        let at = trace.violationStep >= trace.steps.count ? "at the end of the execution" : "at step \(trace.violationStep + 1)"
        body += "<p class=\"verdict\">\(e(trace.violation.kind)) \(e(at))</p>\n</section>\n"
      }
    }
    return """
      <!DOCTYPE html>
      <html lang="en"><head><meta charset="utf-8"><title>eptcheck report</title>
      <style>
      body{font-family:system-ui,sans-serif;margin:2em;color:#222}
      table.scenarios{border-collapse:collapse}table.scenarios td,table.scenarios th{border:1px solid #ccc;padding:.2em .6em;text-align:left}
      tr.fail td:first-child{color:#b00;font-weight:bold}tr.pass td:first-child{color:#070}tr.inconclusive td:first-child{color:#a60}
      .lanes{display:grid;gap:2px;margin:1em 0}.lane-head{font-weight:bold;border-bottom:2px solid #444;padding:.2em}
      .index{color:#888;padding:.3em}.idle{border-left:2px solid #ddd}
      .step{background:#eef4ff;border-left:2px solid #36c;padding:.3em;font-size:90%}
      .kernel,.location{color:#666}.changes{margin:.2em 0 0 1em;padding:0;color:#a30}.invisible{margin:.2em 0 0 0;padding:0;list-style:none;color:#888}
      .verdict{font-weight:bold;color:#b00}code{font-size:95%}
      </style></head><body>
      \(body)</body></html>

      """
  }
}
