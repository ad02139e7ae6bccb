import Testing

@testable import KernelSource

/// Finding a function's definition in C text, and only its definition.
@Suite struct CSourceTests {
  static let file = """
    // SPDX-License-Identifier: GPL-2.0
    #define set_spte(x) \\
    	do_not_match(x)
    static int set_spte(u64 *sptep, u64 spte);

    /* set_spte(sptep, spte) { in a comment } */
    static int set_spte(u64 *sptep,
    		    u64 spte)
    {
    	char *s = "}";
    	return 0;
    }

    static void zap(struct kvm *kvm)
    	__must_hold(&kvm->mmu_lock)
    {
    	set_spte(NULL, 0);
    	{ if (a) { b(); } }
    }

    int after = set_spte(NULL, 1);
    """

  @Test func findsTheDefinitionNotThePrototypeMacroOrComment() {
    let definitions = CSource(text: Self.file).definitions(of: "set_spte")
    #expect(definitions.map(\.line) == [7])
    #expect(
      definitions.first?.text == """
        static int set_spte(u64 *sptep,
        		    u64 spte)
        {
        	char *s = "}";
        	return 0;
        }
        """)
  }

  @Test func readsAnnotationsBetweenParametersAndBody() {
    let definitions = CSource(text: Self.file).definitions(of: "zap")
    #expect(definitions.map(\.line) == [14])
    #expect(definitions.first?.text.hasSuffix("{ if (a) { b(); } }\n}") == true)
  }

  @Test(arguments: ["do_not_match", "after", "b", "kvm", "", "set"])
  func callsDeclarationsAndPrefixesAreNoDefinitions(name: String) {
    #expect(CSource(text: Self.file).definitions(of: name).isEmpty)
  }

  @Test func keepsEveryDefinitionUnderConditionals() {
    let text = """
      #ifdef CONFIG_X
      static int f(void) { return 1; }
      #else
      static int f(void) { return 0; }
      #endif
      """
    #expect(CSource(text: text).definitions(of: "f").map(\.line) == [2, 4])
  }

  @Test(arguments: ["static int f(void) {", "/* never closed", "\"never closed", "f(", "#"])
  func truncatedInputFindsNothingAndDoesNotTrap(text: String) {
    #expect(CSource(text: text).definitions(of: "f").isEmpty)
  }
}
