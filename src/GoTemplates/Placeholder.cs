namespace GoTemplates;
