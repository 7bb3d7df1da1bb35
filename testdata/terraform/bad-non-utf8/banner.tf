# Etiquettes communes -- gérées par l'équipe e-commerce.
resource "aws_ssm_parameter" "boutique_banner" {
  name        = "/boutique/banner"
  type        = "String"
  description = "Bannière affichée en tête de la boutique"
  value       = "Soldes d'été : -20 % sur tout le café"

  tags = {
    Equipe = "e-commerce"
  }
}
