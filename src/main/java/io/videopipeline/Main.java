package io.videopipeline;

/** Entry point placeholder; the real command line lands with the foundation issue. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.out.println("video-pipeline");
    }
}
