package io.flumesentinel.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class OptimizingCompilerTest {

  @Test
  void countsTheMethodsTheOptimizingCompilerCompilesAndHasQueuedNotTheOthers() {
    // as HotSpot 17's Compiler.queue lists them
    String listing =
        """
        Current compiles:\s
        C2 CompilerThread0  1287   !   4       com.example.Reader::read (497 bytes)
        C1 CompilerThread0  1525       2       java.lang.invoke.MethodHandles$Lookup::in (283 bytes)

        C1 compile queue:
        1526       2       java.lang.invoke.DirectMethodHandle::preparedLambdaForm (6 bytes)
        1527       2       jdk.internal.reflect.ConstructorAccessorImpl::<init> (5 bytes)

        C2 compile queue:
        1217       4       com.example.Type::getTag (4 bytes)
        1234       4       java.lang.StringBuilder::<init> (7 bytes)

        """;

    assertThat(OptimizingCompiler.backlog(listing)).hasValue(3);
  }

  @Test
  void anIdleOptimizingCompilerHasNoBacklog() {
    String listing =
        """
        Current compiles:\s

        C1 compile queue:
        Empty

        C2 compile queue:
        Empty

        """;

    assertThat(OptimizingCompiler.backlog(listing)).hasValue(0);
  }

  @Test
  void aListingWithoutTheOptimizingCompilerSaysNothing() {
    assertThat(OptimizingCompiler.backlog("C1 compile queue:\nEmpty\n")).isEmpty();
  }

  @Test
  void thisJvmSaysHowMuchItsOptimizingCompilerHasToDo() {
    OptionalInt backlog = OptimizingCompiler.backlog();

    assertThat(backlog).isPresent();
    assertThat(backlog.getAsInt()).isNotNegative();
  }
}
