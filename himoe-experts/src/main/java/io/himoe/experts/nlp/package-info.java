/**
 * Natural-language experts: a French part-of-speech tagger ({@link
 * io.himoe.experts.nlp.FrenchTaggerExpert}, the seed's {@code nlp_french_tagger}) and a language
 * detector ({@link io.himoe.experts.nlp.LanguageDetectorExpert}). The OpenNLP models they use are
 * internal backends, loaded from Maven artifacts on the class path, never experts of their own.
 */
@NullMarked
package io.himoe.experts.nlp;

import org.jspecify.annotations.NullMarked;
