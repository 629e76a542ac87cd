package dev.fixpoint.app;

/** Entry point of the {@code fixpoint} command. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.out.println("fixpoint");
    }
}
