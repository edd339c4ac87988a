package io.himoe.experts.nlp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FrenchTokenizerTest {

  private static List<String> tok(String s) {
    return FrenchTokenizer.tokenize(s).stream().map(TokenSpan::text).toList();
  }

  @Test
  void elisions() {
    assertThat(tok("L'homme qu'il a vu n'est pas là."))
        .containsExactly("L'", "homme", "qu'", "il", "a", "vu", "n'", "est", "pas", "là", ".");
    assertThat(tok("Jusqu’à ce qu’on s’en aille"))
        .containsExactly("Jusqu’", "à", "ce", "qu’", "on", "s’", "en", "aille");
    assertThat(tok("lorsqu'elle arrive, d'abord"))
        .containsExactly("lorsqu'", "elle", "arrive", ",", "d'", "abord");
  }

  @Test
  void apostropheWordsStayWhole() {
    assertThat(tok("Aujourd'hui, quelqu'un est venu."))
        .containsExactly("Aujourd'hui", ",", "quelqu'un", "est", "venu", ".");
  }

  @Test
  void hyphens() {
    assertThat(tok("Peut-être viendra-t-il demain ?"))
        .containsExactly("Peut-être", "viendra", "-t-il", "demain", "?");
    assertThat(tok("Donne-le-moi, dit-elle."))
        .containsExactly("Donne", "-le", "-moi", ",", "dit", "-elle", ".");
    assertThat(tok("Est-ce un arc-en-ciel ou un rendez-vous ?"))
        .containsExactly("Est", "-ce", "un", "arc-en-ciel", "ou", "un", "rendez-vous", "?");
  }

  @Test
  void numbers() {
    assertThat(tok("Il coûte 3,5 euros, soit 1 000 000 de centimes à 12h30 le 1er mai."))
        .containsExactly(
            "Il",
            "coûte",
            "3,5",
            "euros",
            ",",
            "soit",
            "1 000 000",
            "de",
            "centimes",
            "à",
            "12h30",
            "le",
            "1er",
            "mai",
            ".");
    assertThat(tok("Il fait 20 % de plus, 3km."))
        .containsExactly("Il", "fait", "20", "%", "de", "plus", ",", "3", "km", ".");
  }

  @Test
  void punctuationAbbreviationsUrls() {
    assertThat(tok("« Bonjour M. Dupont ! » Quoi ?! Voir https://exemple.fr/page, etc. Fin…"))
        .containsExactly(
            "«",
            "Bonjour",
            "M.",
            "Dupont",
            "!",
            "»",
            "Quoi",
            "?!",
            "Voir",
            "https://exemple.fr/page",
            ",",
            "etc.",
            "Fin",
            "…");
    assertThat(tok("Écrivez à jean.dupont@exemple.fr."))
        .containsExactly("Écrivez", "à", "jean.dupont@exemple.fr", ".");
  }

  @Test
  void offsetsPointIntoTheText() {
    String s = "  L'été, c'est super !";
    for (TokenSpan t : FrenchTokenizer.tokenize(s)) {
      assertThat(s.substring(t.start(), t.end())).isEqualTo(t.text());
    }
  }
}
