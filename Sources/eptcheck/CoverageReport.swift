import Foundation
import Spec

/// What `eptcheck coverage` prints: the kernel functions by how far the scenarios exercised
/// them.
struct CoverageReport {
  let coverage: ConcurrentCoverage
  let scenarioCount: Int

  var kernelFunctions: [ConcurrentCoverage.Entry] {
    coverage.functions.filter { $0.kernel != nil }.sorted {
      ($0.kernel!.file, $0.kernel!.function, $0.location)
        < ($1.kernel!.file, $1.kernel!.function, $1.location)
    }
  }

  func text(all: Bool) -> String {
    let functions = kernelFunctions
    let raced = functions.filter(\.raced)
    let local = functions.filter { !$0.raced && !$0.sharesMemory }
    let unraced = functions.filter { $0.executed && !$0.raced && $0.sharesMemory }
    let unrun = functions.filter { !$0.executed && $0.sharesMemory }
    var out = "coverage of \(Self.count(scenarioCount, "scenario"))"
    if !coverage.truncatedScenarios.isEmpty {
      let cut = coverage.truncatedScenarios.sorted().joined(separator: ", ")
      out += " (stopped at the state budget: \(cut); a lower bound)"
    }
    out += "\n\(functions.count) kernel functions: \(raced.count) raced, "
    out += "\(unraced.count) run but never raced, \(unrun.count) never run, "
    out += "\(local.count) with no shared access of their own\n"
    let width = functions.map { $0.kernel!.function.count }.max() ?? 0
    func row(_ e: ConcurrentCoverage.Entry, _ detail: String) -> String {
      let place = "\(e.location.file):\(e.location.line)"
      let tail = detail.isEmpty ? "" : "  \(detail)"
      return "  \(e.kernel!.function.padded(to: width))  \(place)\(tail)\n"
    }
    if !unraced.isEmpty {
      out += "never raced (no scenario runs them against a conflicting step of another thread):\n"
      for e in unraced { out += row(e, "run in: " + Self.first(e.executedIn.sorted(), 3)) }
    }
    if !unrun.isEmpty {
      out += "never run by any scenario:\n"
      for e in unrun { out += row(e, "") }
    }
    if !local.isEmpty {
      out += "no shared access of their own (covered through their callers):\n"
      for e in local { out += row(e, "") }
    }
    if all && !raced.isEmpty {
      out += "raced:\n"
      for e in raced {
        let partners = Set(e.racedWith.values.flatMap { $0 }).sorted().joined(separator: ", ")
        out += row(e, "in \(Self.count(e.racedWith.count, "scenario")), against: \(partners)")
      }
    }
    return out
  }

  /// `1 scenario`, `2 scenarios`.
  /// The first `n` names, and how many more: with synthesis a function runs in hundreds.
  static func first(_ names: [String], _ n: Int) -> String {
    names.count <= n
      ? names.joined(separator: ", ")
      : names.prefix(n).joined(separator: ", ") + " and \(names.count - n) more"
  }

  static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }

  var json: String {
    var records: [[String: Any]] = []
    for e in kernelFunctions {
      var racedWith: [String: [String]] = [:]
      for (scenario, partners) in e.racedWith { racedWith[scenario] = partners.sorted() }
      records.append([
        "function": e.kernel!.function, "kernelFile": e.kernel!.file, "specFunction": e.name,
        "file": e.location.file, "line": e.location.line, "sharesMemory": e.sharesMemory,
        "executedIn": e.executedIn.sorted(), "racedWith": racedWith,
      ])
    }
    let record: [String: Any] = [
      "version": 1, "kind": "coverage", "scenarios": scenarioCount,
      "truncated": coverage.truncatedScenarios.sorted(), "functions": records,
    ]
    let options: JSONSerialization.WritingOptions = [.sortedKeys, .withoutEscapingSlashes]
    let data = (try? JSONSerialization.data(withJSONObject: record, options: options)) ?? Data()
    return String(decoding: data, as: UTF8.self) + "\n"
  }
}
