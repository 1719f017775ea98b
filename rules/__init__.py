"""Pure verification rules: catalogs as data, checks over extracted facts, completeness."""
