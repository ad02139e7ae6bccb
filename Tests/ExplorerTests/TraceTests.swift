import Explorer
import Foundation
import Testing

/// The compact string form and the JSON form of a trace.
@Suite struct TraceTests {
  @Test func compactFormParsesThreadsAndChoices() throws {
    let trace = try #require(Trace(compact: "0,1,1/2,0"))
    #expect(
      trace.steps == [
        .init(thread: 0), .init(thread: 1), .init(thread: 1, choice: 2), .init(thread: 0),
      ])
    #expect(trace.description == "0,1,1/2,0")
    #expect(trace.contextSwitches == 2)
    #expect(trace.version == Trace.formatVersion)
    #expect(trace.violation == nil)
  }

  @Test(arguments: ["", "0", "3/1", "0,0,0", "1/0,2/5,0,12", "15,0/3,15/1"])
  func compactFormRoundTrips(_ text: String) throws {
    let trace = try #require(Trace(compact: text))
    let printed = trace.description
    let again = try #require(Trace(compact: printed))
    #expect(again.steps == trace.steps)
    // A zero choice is left out when printing, so "1/0" prints as "1".
    #expect(printed == text.replacingOccurrences(of: "/0", with: ""))
  }

  @Test func anEmptyStringIsTheEmptyTrace() throws {
    let trace = try #require(Trace(compact: ""))
    #expect(trace.steps.isEmpty)
    #expect(trace.contextSwitches == 0)
  }

  @Test(arguments: [
    "x", "0,", ",0", "1,,2", "0/", "/1", "0//1", "0/1/2", "-1", "0/-1", " 0", "0 ", "0/x", "0;1",
    "1.5", "+",
  ])
  func malformedCompactFormsAreRejected(_ text: String) {
    #expect(Trace(compact: text) == nil)
  }

  @Test func jsonRoundTripKeepsEverything() throws {
    let trace = Trace(
      steps: [.init(thread: 1), .init(thread: 0, choice: 1)],
      violation: Violation(kind: "assertion", message: "x"), spec: "tdp_mmu.ept",
      scenario: "two_faults", loopStart: 1)
    let data = try JSONEncoder().encode(trace)
    let decoded = try JSONDecoder().decode(Trace.self, from: data)
    #expect(decoded == trace)
    let object = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
    #expect(object["version"] as? Int == 1)
  }

  @Test func contextSwitchesCountThreadChangesOnly() throws {
    #expect(try #require(Trace(compact: "0,0/1,0")).contextSwitches == 0)
    #expect(try #require(Trace(compact: "0,1,0,1")).contextSwitches == 3)
  }
}
