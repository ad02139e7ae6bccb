import ArgumentParser
import Foundation

extension EptCheck {
  /// `eptcheck merge`: combines the JSON Lines reports of the shards of one run into one report.
  ///
  /// Shards (`--shard I/N`) split the scenarios; a scenario is checked whole by exactly one
  /// shard, so the merged report has the same verdicts and counts as a single run.
  struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Merge the JSON Lines reports of the shards of one run (--shard I/N).")

    @Argument(help: "The shards' reports (--format json).")
    var reports: [String]

    @Option(help: "Report format.")
    var format: Check.Format = .text

    func validate() throws {
      if reports.isEmpty { throw ValidationError("give the shards' reports to merge") }
    }

    func run() throws {
      var runRecord: JSONLinesReport.RunRecord?
      var scenarios: [JSONLinesReport.ScenarioRecord] = []
      var violations: [JSONLinesReport.ViolationRecord] = []
      var shards: [String] = []
      let decoder = JSONDecoder()
      for path in reports {
        guard let data = FileManager.default.contents(atPath: path),
          let text = String(data: data, encoding: .utf8)
        else {
          throw Failure.badTrace("\(path): \(TraceFile.whyUnreadable(path))").exit()
        }
        for (number, line) in text.split(separator: "\n").enumerated() {
          let bytes = Data(line.utf8)
          guard let header = try? decoder.decode(RecordHeader.self, from: bytes),
            header.version == JSONLinesReport.formatVersion
          else {
            throw Failure.badTrace("\(path):\(number + 1): not an eptcheck JSON Lines record").exit()
          }
          do {
            switch header.kind {
            case "run":
              let record = try decoder.decode(JSONLinesReport.RunRecord.self, from: bytes)
              if let shard = record.shard { shards.append(shard) }
              if runRecord == nil { runRecord = record }
            case "scenario":
              scenarios.append(try decoder.decode(JSONLinesReport.ScenarioRecord.self, from: bytes))
            case "violation":
              violations.append(try decoder.decode(JSONLinesReport.ViolationRecord.self, from: bytes))
            default: break
            }
          } catch {
            throw Failure.badTrace("\(path):\(number + 1): a malformed \(header.kind) record").exit()
          }
        }
      }
      let names = scenarios.map(\.name)
      if Set(names).count != names.count {
        throw Failure.badTrace("the reports check some scenario twice: they are not shards of one run").exit()
      }
      let unexpected = scenarios.filter { $0.verdict == "fail" }.count
      let inconclusive = scenarios.filter { $0.verdict == "inconclusive" }.count
      var out = ""
      switch format {
      case .json:
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        func emit<T: Encodable>(_ record: T) {
          if let data = try? encoder.encode(record) { out += String(decoding: data, as: UTF8.self) + "\n" }
        }
        if var runRecord {
          runRecord.shard = nil
          emit(runRecord)
        }
        for scenario in scenarios {
          emit(scenario)
          for violation in violations where violation.scenario == scenario.name { emit(violation) }
        }
        emit(
          JSONLinesReport.SummaryRecord(
            scenarios: scenarios.count, asExpected: scenarios.count - unexpected - inconclusive,
            unexpected: unexpected, inconclusive: inconclusive,
            executions: scenarios.reduce(0) { $0 + $1.statistics.executions },
            transitions: scenarios.reduce(0) { $0 + $1.statistics.transitions },
            elapsed: scenarios.reduce(0) { $0 + $1.statistics.elapsed }))
      case .text, .html:
        let width = names.map(\.count).max() ?? 0
        for scenario in scenarios {
          var line = scenario.verdict == "fail" ? "FAIL" : scenario.verdict
          line = line.padded(to: 12) + " " + scenario.name.padded(to: width)
          line += "  \(scenario.statistics.executions) executions, \(scenario.statistics.transitions) steps, "
          line += scenario.completeness
          if let reason = scenario.reason { line += " (\(reason))" }
          out += line + "\n"
        }
        out += "\n\(scenarios.count) scenarios from \(reports.count) reports"
        out += shards.isEmpty ? "" : " (shards \(shards.sorted().joined(separator: ", ")))"
        out += ": \(scenarios.count - unexpected - inconclusive) as expected, \(unexpected) not as expected, "
        out += "\(inconclusive) inconclusive; \(scenarios.reduce(0) { $0 + $1.statistics.executions }) executions\n"
      }
      Terminal.standardOutput.write(out)
      if unexpected > 0 { throw Outcome.unexpected }
      if inconclusive > 0 { throw Outcome.inconclusive }
    }

    /// The two fields every record has.
    struct RecordHeader: Decodable {
      var version: Int
      var kind: String
    }
  }
}
