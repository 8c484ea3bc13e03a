"""RecruitWatch: evidence of coerced recruitment into Russia's war, from scattered reports."""

__version__ = "0.1.0"
